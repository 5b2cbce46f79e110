namespace AgentOps.Journal;

/// <summary>APPROVAL_ESCALATED {call_id, level, next_escalation_at?}: nobody decided within the policy's respond_within.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.ApprovalEscalated")]
public sealed record ApprovalEscalated(
    [property: Id(0)] string CallId,
    [property: Id(1)] int Level,
    [property: Id(2)] DateTimeOffset? NextEscalationAt) : RunEvent;
