namespace AgentOps.Warehouses;

[GenerateSerializer, Immutable, Alias("AgentOps.WarehouseFault")]
public sealed record WarehouseFault(
    [property: Id(0)] FaultKind Kind,
    [property: Id(1)] TimeSpan Delay,
    [property: Id(2)] DateTimeOffset Since,
    [property: Id(3)] string? SetBy);
