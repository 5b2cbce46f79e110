namespace AgentOps.OpsEvents;

[GenerateSerializer, Immutable, Alias("AgentOps.OpsEventQuery")]
public sealed record OpsEventQuery(
    [property: Id(0)] DateTimeOffset? Since = null,
    [property: Id(1)] OpsSeverity? MinSeverity = null,
    [property: Id(2)] string? Source = null,
    [property: Id(3)] string? Kind = null,
    [property: Id(4)] int Limit = 100);
