using AgentOps.Hosting;
using Orleans.Concurrency;
using Orleans.Streams;

namespace AgentOps.Agents;

[StatelessWorker]
public sealed class ApprovalFeedGrain : Grain, IApprovalFeedGrain
{
    private IAsyncStream<ApprovalNotice>? _stream;

    public Task PublishAsync(ApprovalNotice notice)
    {
        _stream ??= this.GetStreamProvider(StorageNames.Streams)
            .GetStream<ApprovalNotice>(StreamId.Create(StorageNames.ApprovalsStreamNamespace, Guid.Empty));
        return _stream.OnNextAsync(notice);
    }
}
