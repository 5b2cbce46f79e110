using AgentOps.Common;

namespace AgentOps.Agents;

/// <summary>One agent run (key = run id), event-sourced over the PostgreSQL journal.</summary>
[Alias("AgentOps.IAgentRunGrain")]
public interface IAgentRunGrain : IGrainWithGuidKey
{
    /// <summary>Journals RUN_STARTED and starts the loop; starting an existing run returns it unchanged.</summary>
    [Alias("Start")]
    Task<RunCommandResult> StartAsync(StartRun command);

    /// <summary>The run with its journal; null when no run has this id.</summary>
    [Alias("Get"), ReadOnly]
    Task<RunView?> GetAsync();

    [Alias("GetSummary"), ReadOnly]
    Task<RunSummary?> GetSummaryAsync();

    /// <summary>The call waiting for approval in this run or its descendants.</summary>
    [Alias("GetPendingApproval"), ReadOnly]
    Task<PendingApproval?> GetPendingApprovalAsync();

    /// <summary>Approves, edits-and-approves or rejects the pending call; a decision for a call that is not pending is a conflict.</summary>
    [Alias("Decide")]
    Task<RunCommandResult> DecideAsync(RunDecision decision);

    /// <summary>
    /// Whether <see cref="DecideAsync"/> would accept this decision now (the same checks, nothing decided): null when it
    /// would, else the error it would answer. A signed link is refused when it is made, not only when it is used.
    /// </summary>
    [Alias("CheckDecision"), ReadOnly]
    Task<OperationError?> CheckDecisionAsync(RunDecision decision);

    /// <summary>Stops a pending, running or suspended run and its child runs.</summary>
    [Alias("Cancel")]
    Task<RunCommandResult> CancelAsync(string reason, string cancelledBy);

    /// <summary>A child run reached an end state.</summary>
    [Alias("ChildEnded"), OneWay]
    Task ChildEndedAsync(Guid childRunId, RunStatus status, string summary);

    /// <summary>Moves a stalled run on: continues it, expires a due approval, or checks on its child (from the sweeper).</summary>
    [Alias("Wake")]
    Task WakeAsync();

    /// <summary>Takes the next step of the loop (queued behind the current turn).</summary>
    [Alias("Continue"), OneWay]
    Task ContinueAsync();
}
