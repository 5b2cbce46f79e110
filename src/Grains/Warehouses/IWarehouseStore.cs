namespace AgentOps.Warehouses;

/// <summary>
/// A warehouse's durable rows: stock per book, shipments, the ids of stock-changing operations, and a commit version.
/// PostgreSQL in deployments, memory in grain-logic tests. A commit writes only what changed, atomically, and only
/// if nobody committed since the version the caller read: a stale activation cannot overwrite a newer one.
/// </summary>
public interface IWarehouseStore
{
    Task<WarehouseRecord> LoadAsync(string warehouse);

    /// <summary>Applies <paramref name="commit"/> atomically and returns the new version.</summary>
    /// <exception cref="WarehouseConflictException">Another activation committed since <paramref name="expectedVersion"/>.</exception>
    Task<long> CommitAsync(string warehouse, long expectedVersion, WarehouseCommit commit);

    /// <summary>The recorded result of a stock-changing operation applied before, if it is still remembered.</summary>
    Task<string?> FindOperationAsync(string warehouse, string operationId);

    Task<ShipmentConfirmation?> FindShipmentAsync(string warehouse, Guid orderId);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<ShipmentConfirmation>> ListShipmentsAsync(string warehouse, int limit);

    /// <summary>Forgets operation ids recorded before <paramref name="before"/>; returns how many.</summary>
    Task<int> ForgetOperationsAsync(string warehouse, DateTimeOffset before);
}

/// <summary>What a warehouse has in storage.</summary>
/// <param name="Version">0 when nothing was ever committed.</param>
public sealed record WarehouseRecord(long Version, long ShippedCount, IReadOnlyDictionary<Guid, int> Stock);

/// <summary>The changes of one group commit.</summary>
/// <param name="Stock">New quantities of the books whose stock changed.</param>
/// <param name="Shipments">New shipments; a second shipment of an order fails the whole commit.</param>
/// <param name="Operations">Newly applied operation ids and their results.</param>
/// <param name="Migrated">Shipments from the state of an earlier version, kept as they are if already stored.</param>
/// <param name="MigratedCount">The shipment count an earlier version kept in the grain state.</param>
public sealed record WarehouseCommit(
    IReadOnlyDictionary<Guid, int> Stock,
    IReadOnlyList<ShipmentConfirmation> Shipments,
    IReadOnlyDictionary<string, string> Operations,
    IReadOnlyList<ShipmentConfirmation> Migrated,
    long MigratedCount = 0)
{
    public bool IsEmpty => Stock.Count == 0 && Shipments.Count == 0 && Operations.Count == 0 && Migrated.Count == 0 && MigratedCount == 0;

    /// <summary>What the commit adds to the warehouse's shipment count.</summary>
    public long ShippedDelta => Shipments.Count + MigratedCount;
}

/// <summary>Another activation of the warehouse committed first: this one's memory is stale.</summary>
public sealed class WarehouseConflictException(string message, Exception? inner = null) : Exception(message, inner);
