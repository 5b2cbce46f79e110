namespace AgentOps.Agents;

[GenerateSerializer, Immutable, Alias("AgentOps.RunCommandResult")]
public sealed record RunCommandResult([property: Id(0)] RunSummary? Run, [property: Id(1)] Common.OperationError? Error);
