namespace AgentOps.Orders;

/// <summary>
/// Drives PENDING orders interrupted by a crash to an end state (key 0). One reminder for all orders, instead of
/// one reminder written and deleted per order.
/// </summary>
[Alias("AgentOps.IOrderSweeperGrain")]
public interface IOrderSweeperGrain : IGrainWithIntegerKey
{
    /// <summary>Resumes every order PENDING for longer than the grace period; returns how many it resumed.</summary>
    [Alias("Sweep")]
    Task<int> SweepAsync();

    [Alias("EnsureStarted")]
    Task EnsureStartedAsync();
}
