namespace AgentOps.Agents;

/// <summary>
/// Keeps unfinished runs moving after crashes and restarts (key 0): one reminder finds runs that stalled, approvals
/// that expired while nobody had the run active, and parents whose child ended unnoticed, and wakes them.
/// </summary>
[Alias("AgentOps.IRunSweeperGrain")]
public interface IRunSweeperGrain : IGrainWithIntegerKey
{
    /// <summary>Wakes every stalled run; returns how many.</summary>
    [Alias("Sweep")]
    Task<int> SweepAsync();

    [Alias("EnsureStarted")]
    Task EnsureStartedAsync();
}
