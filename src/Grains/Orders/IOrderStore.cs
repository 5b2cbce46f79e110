using AgentOps.Orders;

namespace AgentOps.Orders;

/// <summary>The order table: PostgreSQL in deployments, memory in grain-logic tests.</summary>
public interface IOrderStore
{
    /// <summary>Adds the order's row (a repeat changes nothing).</summary>
    Task AddAsync(Guid orderId, Guid userId, OrderStatus status, DateTimeOffset createdAt);

    Task SetStatusAsync(Guid orderId, OrderStatus status, DateTimeOffset updatedAt);

    Task RemoveAsync(Guid orderId);

    Task<IReadOnlyList<OrderReference>> ListAsync(OrderQuery query);

    /// <summary>Orders PENDING and untouched since <paramref name="before"/>.</summary>
    Task<IReadOnlyList<Guid>> ListStalledAsync(DateTimeOffset before, int limit);
}
