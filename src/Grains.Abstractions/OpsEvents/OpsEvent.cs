using System.Collections.Immutable;

namespace AgentOps.OpsEvents;

/// <summary>A notable fact about the bookstore (warehouse offline, drift, failed order), queryable by agents.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.OpsEvent")]
public sealed record OpsEvent(
    [property: Id(0)] Guid Id,
    [property: Id(1)] DateTimeOffset Time,
    [property: Id(2)] string Source,
    [property: Id(3)] OpsSeverity Severity,
    [property: Id(4)] string Kind,
    [property: Id(5)] string Message,
    [property: Id(6)] ImmutableDictionary<string, string> Details);
