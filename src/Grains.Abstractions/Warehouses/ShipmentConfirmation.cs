using System.Collections.Immutable;

namespace AgentOps.Warehouses;

/// <param name="Remaining">Stock of each shipped book right after the shipment, for the inventory cache.</param>
[GenerateSerializer, Immutable, Alias("AgentOps.ShipmentConfirmation")]
public sealed record ShipmentConfirmation(
    [property: Id(0)] Guid ShipmentId,
    [property: Id(1)] Guid OrderId,
    [property: Id(2)] string Warehouse,
    [property: Id(3)] ImmutableArray<StockLine> Items,
    [property: Id(4)] ImmutableArray<StockLine> Remaining,
    [property: Id(5)] DateTimeOffset ShippedAt);
