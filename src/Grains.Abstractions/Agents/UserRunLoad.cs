namespace AgentOps.Agents;

/// <summary>What one user has going: unfinished top-level runs, and calls of their runs (children included) awaiting approval.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.UserRunLoad")]
public sealed record UserRunLoad([property: Id(0)] int ActiveRuns, [property: Id(1)] int PendingApprovals);
