namespace AgentOps.Agents;

/// <summary>
/// Admits one user's new top-level runs within the per-user limits. Keyed by the user id; one activation in the
/// cluster handles that user's starts one at a time, so concurrent starts cannot all pass the same count.
/// </summary>
[Alias("AgentOps.IRunAdmissionGrain")]
public interface IRunAdmissionGrain : IGrainWithStringKey
{
    /// <summary>Starts run <paramref name="runId"/>, or refuses with <c>rate_limit.exceeded</c> when the user is at a limit.</summary>
    [Alias("Start")]
    Task<RunCommandResult> StartAsync(Guid runId, StartRun command);
}
