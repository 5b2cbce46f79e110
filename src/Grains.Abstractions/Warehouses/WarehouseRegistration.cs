namespace AgentOps.Warehouses;

[GenerateSerializer, Immutable, Alias("AgentOps.WarehouseRegistration")]
public sealed record WarehouseRegistration(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Url,
    [property: Id(3)] WarehouseStatus Status,
    [property: Id(4)] DateTimeOffset RegisteredAt,
    [property: Id(5)] DateTimeOffset? LastSeen,
    [property: Id(6)] string? LastError,
    [property: Id(7)] double? LastLatencyMs);
