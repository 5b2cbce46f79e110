using System.Collections.Immutable;
using AgentOps.Hosting;

namespace AgentOps.Orders;

public sealed class OrderIndexGrain(
    [PersistentState("order-index", StorageNames.Store)] IPersistentState<OrderIndexState> state) : Grain, IOrderIndexGrain
{
    public const int AllOrdersShards = 8;

    public static string UserKey(Guid userId) => $"user/{userId:N}";

    public static string ShardKey(Guid orderId) => $"all/{(uint)orderId.GetHashCode() % AllOrdersShards}";

    public static IEnumerable<string> AllShardKeys() => Enumerable.Range(0, AllOrdersShards).Select(i => $"all/{i}");

    private HashSet<Guid>? _ids;

    public async Task AddAsync(OrderReference order)
    {
        _ids ??= [.. state.State.Orders.Select(o => o.OrderId)];
        if (!_ids.Add(order.OrderId)) return;
        state.State.Orders.Add(order);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Orders.RemoveAt(state.State.Orders.Count - 1);
            _ids.Remove(order.OrderId);
            throw;
        }
    }

    public Task<ImmutableArray<OrderReference>> ListAsync() =>
        Task.FromResult(state.State.Orders.OrderByDescending(o => o.CreatedAt).ThenBy(o => o.OrderId).ToImmutableArray());
}
