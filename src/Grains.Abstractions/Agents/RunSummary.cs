namespace AgentOps.Agents;

/// <summary>One row of the runs list.</summary>
/// <param name="RequestedBy">The e-mail of whoever started the run (null for runs older than that record).</param>
[GenerateSerializer, Immutable, Alias("AgentOps.RunSummary")]
public sealed record RunSummary(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid? ParentRunId,
    [property: Id(2)] Guid RootRunId,
    [property: Id(3)] string AgentType,
    [property: Id(4)] string UserId,
    [property: Id(5)] string Prompt,
    [property: Id(6)] RunStatus Status,
    [property: Id(7)] int Steps,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset UpdatedAt,
    [property: Id(10)] string? Summary,
    [property: Id(11)] PendingApproval? PendingApproval,
    [property: Id(12)] string? RequestedBy = null);
