namespace AgentOps.Agents;

/// <summary>Starts a run. <paramref name="AgentType"/> null routes through the orchestrator.</summary>
/// <param name="ParentRunId">Set for child runs started by a delegation tool.</param>
/// <param name="RootRunId">The top-level run of a delegation tree (the run itself for top-level runs).</param>
/// <param name="RequestedBy">E-mail of the signed-in person who starts the run: the run acts with that person's rights.</param>
[GenerateSerializer, Immutable, Alias("AgentOps.StartRun")]
public sealed record StartRun(
    [property: Id(0)] string Prompt,
    [property: Id(1)] string UserId,
    [property: Id(2)] string? AgentType = null,
    [property: Id(3)] Guid? ParentRunId = null,
    [property: Id(4)] Guid? RootRunId = null,
    [property: Id(5)] string? ParentCallId = null,
    [property: Id(6)] string? RequestedBy = null);
