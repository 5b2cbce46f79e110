using System.Collections.Concurrent;

namespace AgentOps.Orders;

/// <summary>The order table in process memory, for grain-logic tests; shared by the silos of one service in a process.</summary>
public sealed class InMemoryOrderStore(string serviceId) : IOrderStore
{
    private sealed record Row(Guid OrderId, Guid UserId, OrderStatus Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Payload,
        byte[]? State = null, int StateVersion = 0);

    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<Guid, Row>> ByService = new();

    private readonly ConcurrentDictionary<Guid, Row> _rows = ByService.GetOrAdd(serviceId, _ => new());

    public Task<bool> AddAsync(Guid orderId, Guid userId, OrderStatus status, DateTimeOffset createdAt, string? payload = null, byte[]? state = null) =>
        Task.FromResult(_rows.TryAdd(orderId, new Row(orderId, userId, status, createdAt, createdAt, payload, state)));

    public Task<string?> GetPayloadAsync(Guid orderId) => Task.FromResult(_rows.TryGetValue(orderId, out var row) ? row.Payload : null);

    public Task SetStatusAsync(Guid orderId, OrderStatus status, DateTimeOffset updatedAt)
    {
        if (_rows.TryGetValue(orderId, out var row)) _rows[orderId] = row with { Status = status, UpdatedAt = updatedAt };
        return Task.CompletedTask;
    }

    public Task<StoredOrderState?> ReadStateAsync(Guid orderId) =>
        Task.FromResult(_rows.TryGetValue(orderId, out var row) ? new StoredOrderState(row.State, row.StateVersion) : null);

    public Task<bool> WriteStateAsync(Guid orderId, byte[]? state, int expectedVersion, OrderStatus? status, DateTimeOffset updatedAt)
    {
        while (_rows.TryGetValue(orderId, out var row) && row.StateVersion == expectedVersion)
        {
            var written = row with { State = state, StateVersion = expectedVersion + 1, Status = status ?? row.Status, UpdatedAt = updatedAt };
            if (_rows.TryUpdate(orderId, written, row)) return Task.FromResult(true);
        }
        return Task.FromResult(false);
    }

    public Task RemoveAsync(Guid orderId)
    {
        _rows.TryRemove(orderId, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OrderReference>> ListAsync(OrderQuery query) =>
        Task.FromResult<IReadOnlyList<OrderReference>>([.. _rows.Values
            .Where(r => (query.UserId is null || r.UserId == query.UserId) && (query.Status is null || r.Status == query.Status))
            .OrderByDescending(r => r.CreatedAt).ThenBy(r => r.OrderId)
            .Skip(query.Offset).Take(query.Limit)
            .Select(r => new OrderReference(r.OrderId, r.CreatedAt))]);

    public Task<IReadOnlyList<Guid>> ListStalledAsync(DateTimeOffset before, int limit) =>
        Task.FromResult<IReadOnlyList<Guid>>([.. _rows.Values
            .Where(r => r.Status == OrderStatus.Pending && r.UpdatedAt < before)
            .OrderBy(r => r.UpdatedAt).Take(limit).Select(r => r.OrderId)]);
}
