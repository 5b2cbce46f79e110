using System.Collections.Immutable;

namespace AgentOps.Governance;

/// <summary>Reads the approval audit: rows, the chain check, and the analytics computed from it.</summary>
[Alias("AgentOps.IApprovalAuditGrain")]
public interface IApprovalAuditGrain : IGrainWithIntegerKey
{
    /// <summary>Rows in sequence order, of one run when <paramref name="runId"/> is given.</summary>
    [Alias("List"), ReadOnly]
    Task<ImmutableArray<AuditRecord>> ListAsync(Guid? runId, long afterSequence, int limit);

    /// <summary>Rows whose time is in [<paramref name="from"/>, <paramref name="to"/>), in sequence order: what the analytics of a period read.</summary>
    [Alias("ListBetween"), ReadOnly]
    Task<ImmutableArray<AuditRecord>> ListBetweenAsync(DateTimeOffset from, DateTimeOffset to, long afterSequence, int limit);

    /// <summary>Recomputes every row's hash and link, in order, and reports the first that does not hold.</summary>
    [Alias("Verify"), ReadOnly]
    Task<AuditVerification> VerifyAsync();

    /// <summary>The rows of one call, oldest first.</summary>
    [Alias("Evidence"), ReadOnly]
    Task<ImmutableArray<AuditRecord>> EvidenceAsync(Guid runId, string callId);
}
