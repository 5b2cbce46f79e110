using System.Collections.Concurrent;
using System.Collections.Immutable;
using AgentOps.Agents;
using AgentOps.Governance;

namespace AgentOps.Journal;

/// <summary>
/// The journal in process memory, for grain-logic tests only (<c>AgentOps:Storage:Provider=Memory</c>).
/// Shared by every silo of the process with the same service id, so an in-process multi-silo cluster sees one journal.
/// </summary>
public sealed class InMemoryRunJournalStore : IRunJournalStore
{
    private static readonly ConcurrentDictionary<string, Journals> ByService = new();

    private readonly Journals _journals;

    public InMemoryRunJournalStore(string serviceId) => _journals = ByService.GetOrAdd(serviceId, _ => new Journals());

    public Task<IReadOnlyList<JournalEntry>> ReadAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        lock (_journals)
        {
            return Task.FromResult<IReadOnlyList<JournalEntry>>(
                _journals.Events.TryGetValue(runId, out var events) ? [.. events] : []);
        }
    }

    public Task<bool> AppendAsync(IReadOnlyList<JournalEntry> entries, RunSummary summary, IReadOnlyList<AuditEntry>? audit = null,
        CancellationToken cancellationToken = default)
    {
        lock (_journals)
        {
            var events = _journals.Events.GetValueOrDefault(summary.Id) ?? [];
            if (entries.Count > 0 && entries[0].Sequence != events.Count + 1)
            {
                // The same events stored already (a retry after a lost acknowledgement) are a success; others a conflict.
                return Task.FromResult(JournalAppends.AlreadyStored(entries, events.Where(e => e.Sequence >= entries[0].Sequence).Select(e => (e.Sequence, e.Id))));
            }
            _journals.Events[summary.Id] = events.AddRange(entries);
            _journals.Commits[summary.Id] = _journals.Commits.GetValueOrDefault(summary.Id) + 1;
            _journals.Runs[summary.Id] = summary;
            foreach (var row in audit ?? [])
            {
                var previous = _journals.Audit.Count > 0 ? _journals.Audit[^1].Hash : ApprovalAudit.Genesis;
                _journals.Audit.Add(new AuditRecord(_journals.Audit.Count + 1, row.RunId, row.CallId, row.Kind, row.Record, previous,
                    ApprovalAudit.Hash(previous, row.Record), ApprovalAudit.TimeOf(row.Record)));
            }
            return Task.FromResult(true);
        }
    }

    /// <summary>How many appends stored a run's events: each is one commit in the PostgreSQL journal.</summary>
    public int CommitsOf(Guid runId)
    {
        lock (_journals)
        {
            return _journals.Commits.GetValueOrDefault(runId);
        }
    }

    public Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(Guid? runId, string? callId, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        lock (_journals)
        {
            return Task.FromResult<IReadOnlyList<AuditRecord>>([.. _journals.Audit
                .Where(r => r.Sequence > afterSequence && (runId is null || r.RunId == runId) && (callId is null || r.CallId == callId))
                .Take(limit)]);
        }
    }

    public Task<IReadOnlyList<AuditRecord>> ReadAuditBetweenAsync(DateTimeOffset from, DateTimeOffset to, long afterSequence, int limit,
        CancellationToken cancellationToken = default)
    {
        lock (_journals)
        {
            return Task.FromResult<IReadOnlyList<AuditRecord>>([.. _journals.Audit
                .Where(r => r.Sequence > afterSequence && r.At is { } at && at >= from && at < to)
                .Take(limit)]);
        }
    }

    public Task<RunPage> ListAsync(RunQuery query, CancellationToken cancellationToken = default)
    {
        lock (_journals)
        {
            var matching = _journals.Runs.Values
                .Where(r => (query.UserId is null || r.UserId == query.UserId) && (query.Status is null || r.Status == query.Status)
                            && r.ParentRunId == query.ParentRunId)
                .OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id)
                .ToList();
            return Task.FromResult(new RunPage([.. matching.Skip(query.Offset).Take(query.Limit)], matching.Count));
        }
    }

    public Task<ApprovalPage> ListPendingApprovalsAsync(ApprovalQuery query, CancellationToken cancellationToken = default)
    {
        lock (_journals)
        {
            var pending = _journals.Runs.Values
                .Where(r => r.PendingApproval is not null && (query.UserId is null || r.UserId == query.UserId))
                .OrderBy(r => r.UpdatedAt).ThenBy(r => r.Id)
                .Select(r => r.PendingApproval!)
                .ToList();
            return Task.FromResult(new ApprovalPage([.. pending.Skip(query.Offset).Take(query.Limit)], pending.Count));
        }
    }

    public Task<UserRunLoad> LoadOfAsync(string userId, CancellationToken cancellationToken = default)
    {
        lock (_journals)
        {
            var mine = _journals.Runs.Values.Where(r => r.UserId == userId).ToList();
            return Task.FromResult(new UserRunLoad(
                mine.Count(r => r.ParentRunId is null && r.Status is RunStatus.Pending or RunStatus.Running or RunStatus.Suspended),
                mine.Count(r => r.PendingApproval is not null)));
        }
    }

    public Task<IReadOnlyList<Guid>> ListStalledAsync(DateTimeOffset before, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        lock (_journals)
        {
            return Task.FromResult<IReadOnlyList<Guid>>([.. _journals.Runs.Values
                .Where(r => (r.Status is RunStatus.Pending or RunStatus.Running && r.UpdatedAt < before)
                            || (r.Status == RunStatus.Suspended && r.PendingApproval is null && r.UpdatedAt < before)
                            || (r.Status == RunStatus.Suspended && r.PendingApproval is { } p && (p.ExpiresAt <= now || p.EscalateAt <= now)))
                .OrderBy(r => r.UpdatedAt).Take(limit).Select(r => r.Id)]);
        }
    }

    private sealed class Journals
    {
        public Dictionary<Guid, ImmutableList<JournalEntry>> Events { get; } = [];

        public Dictionary<Guid, RunSummary> Runs { get; } = [];

        public Dictionary<Guid, int> Commits { get; } = [];

        public List<AuditRecord> Audit { get; } = [];
    }
}
