using System.Collections.Immutable;
using AgentOps.Journal;
using Orleans.Concurrency;

namespace AgentOps.Governance;

/// <summary>Reads of the approval audit, answered from the journal store; stateless, so any silo answers locally.</summary>
[StatelessWorker]
public sealed class ApprovalAuditGrain(IRunJournalStore store) : Grain, IApprovalAuditGrain
{
    public const int MaxPageSize = 500;
    private const int VerifyPage = 2000;

    public async Task<ImmutableArray<AuditRecord>> ListAsync(Guid? runId, long afterSequence, int limit) =>
        [.. await store.ReadAuditAsync(runId, null, Math.Max(0, afterSequence), Math.Clamp(limit, 1, MaxPageSize))];

    public async Task<ImmutableArray<AuditRecord>> ListBetweenAsync(DateTimeOffset from, DateTimeOffset to, long afterSequence, int limit) =>
        [.. await store.ReadAuditBetweenAsync(from, to, Math.Max(0, afterSequence), Math.Clamp(limit, 1, MaxPageSize))];

    public async Task<AuditVerification> VerifyAsync()
    {
        // Page through the chain, carrying the last hash: the check is the same as over one list.
        long after = 0, checkedRows = 0;
        var previous = ApprovalAudit.Genesis;
        while (true)
        {
            var page = await store.ReadAuditAsync(null, null, after, VerifyPage);
            if (page.Count == 0) return new AuditVerification(true, checkedRows, null, null);
            var result = ApprovalAudit.Verify(page, previous);
            if (!result.Ok) return result with { RowsChecked = checkedRows + result.RowsChecked };
            checkedRows += page.Count;
            previous = page[^1].Hash;
            after = page[^1].Sequence;
        }
    }

    public async Task<ImmutableArray<AuditRecord>> EvidenceAsync(Guid runId, string callId) =>
        [.. await store.ReadAuditAsync(runId, callId, 0, MaxPageSize)];
}
