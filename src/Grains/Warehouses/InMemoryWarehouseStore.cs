using System.Collections.Concurrent;

namespace AgentOps.Warehouses;

/// <summary>The warehouse rows in process memory, for grain-logic tests; shared by the silos of one service in a process.</summary>
public sealed class InMemoryWarehouseStore(string serviceId) : IWarehouseStore
{
    private sealed class Rows
    {
        public long Version;
        public long ShippedCount;
        public readonly Dictionary<Guid, int> Stock = [];
        public readonly Dictionary<Guid, ShipmentConfirmation> Shipments = [];
        public readonly Dictionary<string, (string Result, DateTimeOffset At)> Operations = [];
    }

    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Rows>> ByService = new();

    private readonly ConcurrentDictionary<string, Rows> _warehouses = ByService.GetOrAdd(serviceId, _ => new());

    private Rows For(string warehouse) => _warehouses.GetOrAdd(warehouse, _ => new Rows());

    public Task<WarehouseRecord> LoadAsync(string warehouse)
    {
        var rows = For(warehouse);
        lock (rows) return Task.FromResult(new WarehouseRecord(rows.Version, rows.ShippedCount, new Dictionary<Guid, int>(rows.Stock)));
    }

    public Task<long> CommitAsync(string warehouse, long expectedVersion, WarehouseCommit commit)
    {
        var rows = For(warehouse);
        lock (rows)
        {
            if (rows.Version != expectedVersion)
                throw new WarehouseConflictException($"Warehouse {warehouse} was changed by another activation since version {expectedVersion}.");
            // All or nothing, like the transaction: check before changing anything.
            if (commit.Shipments.FirstOrDefault(s => rows.Shipments.ContainsKey(s.OrderId)) is { } repeated)
                throw new InvalidOperationException($"Warehouse {warehouse} already holds a shipment of order {repeated.OrderId}.");
            if (commit.Operations.Keys.FirstOrDefault(rows.Operations.ContainsKey) is { } known)
                throw new InvalidOperationException($"Warehouse {warehouse} already applied operation {known}.");
            foreach (var (book, quantity) in commit.Stock) rows.Stock[book] = quantity;
            foreach (var s in commit.Migrated) rows.Shipments.TryAdd(s.OrderId, s);
            foreach (var s in commit.Shipments) rows.Shipments[s.OrderId] = s;
            foreach (var (id, result) in commit.Operations) rows.Operations[id] = (result, DateTimeOffset.UtcNow);
            rows.ShippedCount += commit.ShippedDelta;
            return Task.FromResult(++rows.Version);
        }
    }

    public Task<string?> FindOperationAsync(string warehouse, string operationId)
    {
        var rows = For(warehouse);
        lock (rows) return Task.FromResult(rows.Operations.TryGetValue(operationId, out var op) ? op.Result : null);
    }

    public Task<ShipmentConfirmation?> FindShipmentAsync(string warehouse, Guid orderId)
    {
        var rows = For(warehouse);
        lock (rows) return Task.FromResult(rows.Shipments.GetValueOrDefault(orderId));
    }

    public Task<IReadOnlyList<ShipmentConfirmation>> ListShipmentsAsync(string warehouse, int limit)
    {
        var rows = For(warehouse);
        lock (rows)
        {
            return Task.FromResult<IReadOnlyList<ShipmentConfirmation>>([.. rows.Shipments.Values.OrderByDescending(c => c.ShippedAt).Take(limit)]);
        }
    }

    public Task<int> ForgetOperationsAsync(string warehouse, DateTimeOffset before)
    {
        var rows = For(warehouse);
        lock (rows)
        {
            var old = rows.Operations.Where(o => o.Value.At < before).Select(o => o.Key).ToList();
            foreach (var id in old) rows.Operations.Remove(id);
            return Task.FromResult(old.Count);
        }
    }
}
