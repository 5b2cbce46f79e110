namespace AgentOps.Governance;

/// <summary>What an admin grants: a tool (and optionally an argument rule) for a time and/or a number of uses.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.GrantDraft")]
public sealed record GrantDraft(
    [property: Id(0)] string ToolName,
    [property: Id(1)] string? ArgsRule = null,
    [property: Id(2)] int? MaxUses = null,
    [property: Id(3)] DateTimeOffset? ExpiresAt = null,
    [property: Id(4)] string? Reason = null);

/// <summary>A standing grant: calls it matches are approved without a person until it is used up, expires or is revoked.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.StandingGrant")]
public sealed record StandingGrant(
    [property: Id(0)] Guid Id,
    [property: Id(1)] GrantDraft Grant,
    [property: Id(2)] int Uses,
    [property: Id(3)] string CreatedBy,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? RevokedAt = null,
    [property: Id(6)] string? RevokedBy = null)
{
    public bool IsActive(DateTimeOffset now) =>
        RevokedAt is null && (Grant.ExpiresAt is not { } expires || now < expires) && (Grant.MaxUses is not { } max || Uses < max);
}
