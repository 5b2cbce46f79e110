namespace AgentOps.Journal;

/// <summary>
/// RUN_SUSPENDED {reason, blocked_by_child_run_id?}: waiting for approval of <paramref name="CallId"/> (who must approve:
/// <paramref name="Requirement"/>; escalation due at <paramref name="EscalateAt"/>), or for a child run.
/// </summary>
[GenerateSerializer, Immutable, Alias("AgentOps.RunSuspended")]
public sealed record RunSuspended(
    [property: Id(0)] string Reason,
    [property: Id(1)] Guid? BlockedByChildRunId,
    [property: Id(2)] string? CallId,
    [property: Id(3)] DateTimeOffset? ExpiresAt,
    [property: Id(4)] Governance.ApprovalRequirement? Requirement = null,
    [property: Id(5)] DateTimeOffset? EscalateAt = null) : RunEvent;
