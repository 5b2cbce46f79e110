using System.Collections.Immutable;

namespace AgentOps.Agents;

[GenerateSerializer, Immutable, Alias("AgentOps.RunPage")]
public sealed record RunPage([property: Id(0)] ImmutableArray<RunSummary> Runs, [property: Id(1)] int Total);
