using AgentOps.Orders;

namespace AgentOps.Orders;

/// <summary>The order table: PostgreSQL in deployments, memory in grain-logic tests.</summary>
public interface IOrderStore
{
    /// <summary>
    /// Adds the order's row; <paramref name="payload"/> is the accepted order (JSON). Returns false, changing
    /// nothing, when the row exists already.
    /// </summary>
    Task<bool> AddAsync(Guid orderId, Guid userId, OrderStatus status, DateTimeOffset createdAt, string? payload = null);

    /// <summary>The accepted order stored with the row, if the row exists.</summary>
    Task<string?> GetPayloadAsync(Guid orderId);

    Task SetStatusAsync(Guid orderId, OrderStatus status, DateTimeOffset updatedAt);

    Task RemoveAsync(Guid orderId);

    Task<IReadOnlyList<OrderReference>> ListAsync(OrderQuery query);

    /// <summary>Orders PENDING and untouched since <paramref name="before"/>.</summary>
    Task<IReadOnlyList<Guid>> ListStalledAsync(DateTimeOffset before, int limit);
}
