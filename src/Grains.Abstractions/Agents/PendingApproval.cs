namespace AgentOps.Agents;

/// <summary>A dangerous tool call waiting for a person, as shown in the approvals inbox.</summary>
/// <param name="Args">The proposed arguments as a JSON object.</param>
[GenerateSerializer, Immutable, Alias("AgentOps.PendingApproval")]
public sealed record PendingApproval(
    [property: Id(0)] Guid RunId,
    [property: Id(1)] Guid RootRunId,
    [property: Id(2)] string AgentType,
    [property: Id(3)] string CallId,
    [property: Id(4)] string ToolName,
    [property: Id(5)] string Args,
    [property: Id(6)] RiskClass Risk,
    [property: Id(7)] DateTimeOffset ProposedAt,
    [property: Id(8)] DateTimeOffset ExpiresAt,
    [property: Id(9)] string Prompt,
    [property: Id(10)] string UserId);
