namespace AgentOps.Agents;

/// <summary>
/// Publishes on the cluster-wide approvals stream. A stateless worker, so the stream has a handful of producers
/// (its activations) instead of one per run that ever waited for approval.
/// </summary>
[Alias("AgentOps.IApprovalFeedGrain")]
public interface IApprovalFeedGrain : IGrainWithIntegerKey
{
    [Alias("Publish"), OneWay]
    Task PublishAsync(ApprovalNotice notice);
}
