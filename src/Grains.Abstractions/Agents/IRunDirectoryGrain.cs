namespace AgentOps.Agents;

/// <summary>Queries across runs (list, pending approvals), answered from the journal store's run table.</summary>
[Alias("AgentOps.IRunDirectoryGrain")]
public interface IRunDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("List"), ReadOnly]
    Task<RunPage> ListAsync(RunQuery query);

    /// <summary>Calls waiting for approval, oldest first, one page of them with the total count.</summary>
    [Alias("ListPendingApprovalsPage"), ReadOnly]
    Task<ApprovalPage> ListPendingApprovalsAsync(ApprovalQuery query);

    /// <summary>The user's unfinished top-level runs and pending approvals.</summary>
    [Alias("LoadOf"), ReadOnly]
    Task<UserRunLoad> LoadOfAsync(string userId);
}
