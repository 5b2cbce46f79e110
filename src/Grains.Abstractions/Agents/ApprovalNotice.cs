namespace AgentOps.Agents;

/// <summary>An item of the cluster-wide approvals feed: a call started waiting, or stopped waiting.</summary>
/// <param name="Outcome">For resolved notices: approved, rejected, expired or cancelled.</param>
[GenerateSerializer, Immutable, Alias("AgentOps.ApprovalNotice")]
public sealed record ApprovalNotice(
    [property: Id(0)] PendingApproval Approval,
    [property: Id(1)] bool Pending,
    [property: Id(2)] string? Outcome,
    [property: Id(3)] string? DecidedBy,
    [property: Id(4)] DateTimeOffset At);
