using System.Collections.Immutable;
using Orleans.Concurrency;

namespace AgentOps.Orders;

[StatelessWorker]
public sealed class OrderDirectoryGrain(IOrderStore store) : Grain, IOrderDirectoryGrain
{
    public const int MaxPageSize = 500;

    public async Task<ImmutableArray<OrderReference>> ListAsync(OrderQuery query) =>
        [.. await store.ListAsync(query with { Limit = Math.Clamp(query.Limit, 1, MaxPageSize), Offset = Math.Max(0, query.Offset) })];
}
