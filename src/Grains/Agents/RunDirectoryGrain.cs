using AgentOps.Journal;
using Orleans.Concurrency;

namespace AgentOps.Agents;

/// <summary>Cross-run queries, answered by the journal store's run table; stateless, so any silo answers locally.</summary>
[StatelessWorker]
public sealed class RunDirectoryGrain(IRunJournalStore store) : Grain, IRunDirectoryGrain
{
    public const int MaxPageSize = 100;

    /// <summary>Largest page of the approvals inbox.</summary>
    public const int MaxApprovalsPageSize = 500;

    public Task<RunPage> ListAsync(RunQuery query) =>
        store.ListAsync(query with { Limit = Math.Clamp(query.Limit, 1, MaxPageSize), Offset = Math.Max(0, query.Offset) });

    public Task<ApprovalPage> ListPendingApprovalsAsync(ApprovalQuery query) =>
        store.ListPendingApprovalsAsync(query with { Limit = Math.Clamp(query.Limit, 1, MaxApprovalsPageSize), Offset = Math.Max(0, query.Offset) });

    public Task<UserRunLoad> LoadOfAsync(string userId) => store.LoadOfAsync(userId);
}
