using System.Collections.Concurrent;

namespace AgentOps.Warehouses;

/// <summary>The shipment log in process memory, for grain-logic tests; shared by the silos of one service in a process.</summary>
public sealed class InMemoryShipmentLogStore(string serviceId) : IShipmentLogStore
{
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<(string, Guid), ShipmentConfirmation>> ByService = new();

    private readonly ConcurrentDictionary<(string Warehouse, Guid Order), ShipmentConfirmation> _log = ByService.GetOrAdd(serviceId, _ => new());

    public Task AppendAsync(string warehouse, IReadOnlyCollection<ShipmentConfirmation> confirmations)
    {
        foreach (var c in confirmations) _log.TryAdd((warehouse, c.OrderId), c);
        return Task.CompletedTask;
    }

    public Task<ShipmentConfirmation?> FindAsync(string warehouse, Guid orderId) => Task.FromResult(_log.GetValueOrDefault((warehouse, orderId)));

    public Task<IReadOnlyList<ShipmentConfirmation>> ListAsync(string warehouse, int limit) =>
        Task.FromResult<IReadOnlyList<ShipmentConfirmation>>([.. _log.Where(e => e.Key.Warehouse == warehouse).Select(e => e.Value)
            .OrderByDescending(c => c.ShippedAt).Take(limit)]);
}
