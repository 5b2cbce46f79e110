namespace AgentOps.Agents;

[GenerateSerializer, Immutable, Alias("AgentOps.RunQuery")]
public sealed record RunQuery(
    [property: Id(0)] string? UserId = null,
    [property: Id(1)] RunStatus? Status = null,
    [property: Id(2)] int Limit = 20,
    [property: Id(3)] int Offset = 0,
    [property: Id(4)] Guid? ParentRunId = null);
