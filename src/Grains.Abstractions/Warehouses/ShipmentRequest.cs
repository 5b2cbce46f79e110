using System.Collections.Immutable;

namespace AgentOps.Warehouses;

/// <summary>An instruction to ship an order; repeating it for the same order is a no-op.</summary>
/// <param name="MayBeRepeat">
/// The sender may have sent this instruction before (it got no answer, or it is an external caller): the warehouse
/// then also looks in its archived shipment log. A first instruction skips that read.
/// </param>
[GenerateSerializer, Immutable, Alias("AgentOps.ShipmentRequest")]
public sealed record ShipmentRequest(
    [property: Id(0)] Guid OrderId,
    [property: Id(1)] ImmutableArray<StockLine> Items,
    [property: Id(2)] bool MayBeRepeat = true);
