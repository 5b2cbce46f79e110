using System.Collections.Immutable;

namespace AgentOps.Agents;

/// <summary>Queries across runs (list, pending approvals), answered from the journal store's run table.</summary>
[Alias("AgentOps.IRunDirectoryGrain")]
public interface IRunDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("List"), ReadOnly]
    Task<RunPage> ListAsync(RunQuery query);

    /// <summary>Every call in the cluster waiting for approval, oldest first.</summary>
    [Alias("ListPendingApprovals"), ReadOnly]
    Task<ImmutableArray<PendingApproval>> ListPendingApprovalsAsync(int limit);
}
