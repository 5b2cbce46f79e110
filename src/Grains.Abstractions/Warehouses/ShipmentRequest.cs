using System.Collections.Immutable;

namespace AgentOps.Warehouses;

/// <summary>An instruction to ship an order; repeating it for the same order is a no-op.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.ShipmentRequest")]
public sealed record ShipmentRequest([property: Id(0)] Guid OrderId, [property: Id(1)] ImmutableArray<StockLine> Items);
