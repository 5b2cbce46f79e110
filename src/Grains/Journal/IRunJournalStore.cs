using AgentOps.Agents;
using AgentOps.Governance;

namespace AgentOps.Journal;

/// <summary>Where run journals live: PostgreSQL in every real deployment, memory in grain-logic tests.</summary>
public interface IRunJournalStore
{
    /// <summary>Every event of a run in sequence order (empty for an unknown run).</summary>
    Task<IReadOnlyList<JournalEntry>> ReadAsync(Guid runId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends events (their sequences continue the run's journal) and replaces the run's summary row, atomically.
    /// Returns false, changing nothing, when one of the sequences is already taken. The approval audit rows these events
    /// make (<see cref="ApprovalAudit.From"/>) are appended to the hash chain in the same transaction.
    /// </summary>
    Task<bool> AppendAsync(IReadOnlyList<JournalEntry> entries, RunSummary summary, IReadOnlyList<AuditEntry>? audit = null,
        CancellationToken cancellationToken = default);

    /// <summary>Approval audit rows in sequence order after <paramref name="afterSequence"/>: of one run (and call) or all.</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(Guid? runId, string? callId, long afterSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>Approval audit rows whose time (the record's <c>at</c>) is in [<paramref name="from"/>, <paramref name="to"/>), in sequence order.</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAuditBetweenAsync(DateTimeOffset from, DateTimeOffset to, long afterSequence, int limit,
        CancellationToken cancellationToken = default);

    Task<RunPage> ListAsync(RunQuery query, CancellationToken cancellationToken = default);

    /// <summary>Calls waiting for approval, oldest first: one page and the total count.</summary>
    Task<ApprovalPage> ListPendingApprovalsAsync(ApprovalQuery query, CancellationToken cancellationToken = default);

    /// <summary>The user's unfinished top-level runs and the calls of their runs awaiting approval.</summary>
    Task<UserRunLoad> LoadOfAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Unfinished runs that need a nudge: pending or running and untouched since <paramref name="before"/>, waiting
    /// for a child since then, or waiting for an approval that has expired by <paramref name="now"/>.
    /// </summary>
    Task<IReadOnlyList<Guid>> ListStalledAsync(DateTimeOffset before, DateTimeOffset now, int limit, CancellationToken cancellationToken = default);
}
