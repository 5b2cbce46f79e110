namespace AgentOps.Governance;

/// <summary>
/// One row of the append-only approval audit: a decision (by a person, a policy, a grant or the clock), an approval
/// towards a quorum, an escalation, or the execution of an approved call. Rows are hash-chained: <see cref="Hash"/> is
/// SHA-256 over <see cref="PreviousHash"/> followed by <see cref="Record"/>, the row's canonical JSON.
/// </summary>
/// <param name="Kind">approval_given, approved, rejected, expired, escalated, executed or precondition_changed.</param>
/// <param name="At">The row's time column (a copy of the record's <c>at</c> that periods are read by); verify checks the two agree.</param>
[GenerateSerializer, Immutable, Alias("AgentOps.AuditRecord")]
public sealed record AuditRecord(
    [property: Id(0)] long Sequence,
    [property: Id(1)] Guid RunId,
    [property: Id(2)] string CallId,
    [property: Id(3)] string Kind,
    [property: Id(4)] string Record,
    [property: Id(5)] string PreviousHash,
    [property: Id(6)] string Hash,
    [property: Id(7)] DateTimeOffset? At = null);

/// <summary>The outcome of checking the audit chain.</summary>
/// <param name="FirstBrokenSequence">The first row whose hash or link does not hold; null when all hold.</param>
[GenerateSerializer, Immutable, Alias("AgentOps.AuditVerification")]
public sealed record AuditVerification(
    [property: Id(0)] bool Ok,
    [property: Id(1)] long RowsChecked,
    [property: Id(2)] long? FirstBrokenSequence,
    [property: Id(3)] string? Problem);
