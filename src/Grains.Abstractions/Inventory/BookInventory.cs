using System.Collections.Immutable;

namespace AgentOps.Inventory;

/// <summary>The store's cached view of one book's stock in every warehouse.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.BookInventory")]
public sealed record BookInventory([property: Id(0)] Guid BookId, [property: Id(1)] ImmutableArray<WarehouseStock> Warehouses);
