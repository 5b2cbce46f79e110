namespace AgentOps.Agents;

/// <summary>A person's decision on a pending dangerous tool call.</summary>
/// <param name="CallId">The pending call this decision is about; null means "the one pending call".</param>
/// <param name="Args">Edited arguments (JSON object) to run instead of the proposed ones; approve only.</param>
/// <param name="ExpectedArgsHash">The SHA-256 of the arguments the decider saw; a call whose arguments changed since is a conflict.</param>
[GenerateSerializer, Immutable, Alias("AgentOps.RunDecision")]
public sealed record RunDecision(
    [property: Id(0)] ApprovalDecision Decision,
    [property: Id(1)] string DecidedBy,
    [property: Id(2)] string? CallId = null,
    [property: Id(3)] string? Feedback = null,
    [property: Id(4)] string? Args = null,
    [property: Id(5)] string? ExpectedArgsHash = null);
