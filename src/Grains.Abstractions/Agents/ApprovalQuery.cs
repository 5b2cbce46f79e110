namespace AgentOps.Agents;

/// <summary>A page of the approvals inbox, oldest first; <paramref name="UserId"/> narrows it to one requester's runs.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.ApprovalQuery")]
public sealed record ApprovalQuery(
    [property: Id(0)] string? UserId = null,
    [property: Id(1)] int Limit = 50,
    [property: Id(2)] int Offset = 0);
