using System.Collections.Immutable;
using AgentOps.Journal;
using Orleans.Concurrency;

namespace AgentOps.Agents;

/// <summary>Cross-run queries, answered by the journal store's run table; stateless, so any silo answers locally.</summary>
[StatelessWorker]
public sealed class RunDirectoryGrain(IRunJournalStore store) : Grain, IRunDirectoryGrain
{
    public const int MaxPageSize = 100;

    public Task<RunPage> ListAsync(RunQuery query) =>
        store.ListAsync(query with { Limit = Math.Clamp(query.Limit, 1, MaxPageSize), Offset = Math.Max(0, query.Offset) });

    public async Task<ImmutableArray<PendingApproval>> ListPendingApprovalsAsync(int limit) =>
        [.. await store.ListPendingApprovalsAsync(Math.Clamp(limit, 1, 500))];
}
