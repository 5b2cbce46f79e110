using System.Collections.Immutable;

namespace AgentOps.Warehouses;

/// <summary>One warehouse (key = its name) with its own stock and shipment log.</summary>
[Alias("AgentOps.IWarehouseGrain")]
public interface IWarehouseGrain : IGrainWithStringKey
{
    [Alias("GetSnapshot"), ReadOnly]
    Task<WarehouseSnapshot> GetSnapshotAsync();

    /// <summary>Answers a health check; throws <see cref="WarehouseUnavailableException"/> when offline.</summary>
    [Alias("Ping")]
    Task<DateTimeOffset> PingAsync();

    [Alias("GetStock"), ReadOnly]
    Task<ImmutableArray<StockLine>> GetStockAsync();

    [Alias("GetBookStock"), ReadOnly]
    Task<StockLine?> GetBookStockAsync(Guid bookId);

    /// <summary>Sets stock levels; an <paramref name="operationId"/> seen before changes nothing. Interleaves (group commit).</summary>
    [Alias("SetStock"), AlwaysInterleave]
    Task<Common.OperationError?> SetStockAsync(ImmutableArray<StockLine> lines, string changedBy, string? operationId = null);

    /// <summary>
    /// Checks one book's stock against what the caller expects, sets it once per operation id, and answers with the line
    /// before and after: one call where a tool would otherwise read, set and read again. Interleaves (group commit).
    /// </summary>
    [Alias("SetBookStock"), AlwaysInterleave]
    Task<BookStockChangeOutcome> SetBookStockAsync(BookStockChange change);

    /// <summary>Whether an operation id (a stock change or a restart) was applied here, once that is durable.</summary>
    [Alias("HasApplied"), AlwaysInterleave]
    Task<bool> HasAppliedAsync(string operationId);

    /// <summary>Adds stock lines for books this warehouse has never stocked; existing lines are kept.</summary>
    [Alias("SeedStock")]
    Task<int> SeedStockAsync(ImmutableArray<StockLine> lines);

    /// <summary>Ships the whole order or nothing. Interleaves with other calls so that concurrent shipments share one state write.</summary>
    [Alias("Ship"), AlwaysInterleave]
    Task<ShipmentOutcome> ShipAsync(ShipmentRequest request);

    /// <summary>The confirmation of this order's shipment, once it is durable; null when this warehouse never shipped it.</summary>
    [Alias("FindShipment"), AlwaysInterleave]
    Task<ShipmentConfirmation?> FindShipmentAsync(Guid orderId);

    [Alias("GetShipments"), ReadOnly]
    Task<ImmutableArray<ShipmentConfirmation>> GetShipmentsAsync();

    [Alias("SetFault")]
    Task SetFaultAsync(FaultKind kind, TimeSpan? delay, string setBy);

    [Alias("ClearFault")]
    Task ClearFaultAsync(string clearedBy);

    /// <summary>Brings the warehouse back online (clears any fault) at most once per <paramref name="operationId"/>.</summary>
    /// <returns>True when a fault was cleared by this operation.</returns>
    [Alias("Restart")]
    Task<bool> RestartAsync(string restartedBy, string operationId);
}
