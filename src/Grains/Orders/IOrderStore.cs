using AgentOps.Orders;

namespace AgentOps.Orders;

/// <summary>The order table: PostgreSQL in deployments, memory in grain-logic tests.</summary>
public interface IOrderStore
{
    /// <summary>
    /// Adds the order's row, with the order grain's first <paramref name="state"/> (at version 0) when given.
    /// Returns false, changing nothing, when the row exists already. <paramref name="payload"/> (the accepted order as
    /// JSON) is what earlier versions stored instead of the state; only tests of their rows still pass it.
    /// </summary>
    Task<bool> AddAsync(Guid orderId, Guid userId, OrderStatus status, DateTimeOffset createdAt, string? payload = null, byte[]? state = null);

    /// <summary>The accepted order stored with the row by an earlier version, if the row exists and has one.</summary>
    Task<string?> GetPayloadAsync(Guid orderId);

    Task SetStatusAsync(Guid orderId, OrderStatus status, DateTimeOffset updatedAt);

    /// <summary>The order grain's state kept in the row; null when there is no row.</summary>
    Task<StoredOrderState?> ReadStateAsync(Guid orderId);

    /// <summary>
    /// Writes the order grain's state (and, when given, the row's status) if the row's state is still at
    /// <paramref name="expectedVersion"/>; false, changing nothing, otherwise (or when there is no row).
    /// </summary>
    Task<bool> WriteStateAsync(Guid orderId, byte[]? state, int expectedVersion, OrderStatus? status, DateTimeOffset updatedAt);

    Task RemoveAsync(Guid orderId);

    Task<IReadOnlyList<OrderReference>> ListAsync(OrderQuery query);

    /// <summary>Orders PENDING and untouched since <paramref name="before"/> (a store may forget here which orders ended).</summary>
    Task<IReadOnlyList<Guid>> ListStalledAsync(DateTimeOffset before, int limit);
}

/// <param name="State">Null when the state was never written (or cleared).</param>
/// <param name="Version">The state's version: 0 until it is first written (the state added with the row is at 0).</param>
public sealed record StoredOrderState(byte[]? State, int Version);
