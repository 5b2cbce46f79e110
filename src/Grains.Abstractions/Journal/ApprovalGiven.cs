namespace AgentOps.Journal;

/// <summary>
/// APPROVAL_GIVEN {call_id, approved_by, given, needed}: one approval towards a quorum that is not complete yet; the
/// call stays suspended. Approving with edited arguments starts the count again with this approval alone.
/// </summary>
[GenerateSerializer, Immutable, Alias("AgentOps.ApprovalGiven")]
public sealed record ApprovalGiven(
    [property: Id(0)] string CallId,
    [property: Id(1)] string ApprovedBy,
    [property: Id(2)] int Given,
    [property: Id(3)] int Needed,
    [property: Id(4)] string? ApprovedArgs = null,
    [property: Id(5)] string? Feedback = null) : RunEvent;
