namespace AgentOps.Users;

/// <summary>A user as others may see it: never the password hash.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.UserProfile")]
public sealed record UserProfile(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Email,
    [property: Id(2)] string? Name,
    [property: Id(3)] UserRole Role,
    [property: Id(4)] string? Warehouse,
    [property: Id(5)] DateTimeOffset CreatedAt);
