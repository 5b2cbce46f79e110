namespace AgentOps.Journal;

/// <summary>
/// PRECONDITION_CHANGED {call_id, expected, actual}: the target of an approved call changed between proposal and
/// execution; the call did nothing and is proposed again for a new approval.
/// </summary>
[GenerateSerializer, Immutable, Alias("AgentOps.PreconditionChanged")]
public sealed record PreconditionChanged(
    [property: Id(0)] string CallId,
    [property: Id(1)] string Expected,
    [property: Id(2)] string Actual) : RunEvent;
