using System.Collections.Immutable;

namespace AgentOps.Inventory;

[GenerateSerializer, Immutable, Alias("AgentOps.ReconciliationReport")]
public sealed record ReconciliationReport(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Trigger,
    [property: Id(2)] DateTimeOffset StartedAt,
    [property: Id(3)] DateTimeOffset FinishedAt,
    [property: Id(4)] ImmutableArray<string> Warehouses,
    [property: Id(5)] ImmutableArray<string> Skipped,
    [property: Id(6)] int LinesChecked,
    [property: Id(7)] ImmutableArray<InventoryDrift> Drifts);
