namespace AgentOps.Users;

[GenerateSerializer, Immutable, Alias("AgentOps.NewUser")]
public sealed record NewUser(
    [property: Id(0)] string Email,
    [property: Id(1)] string Password,
    [property: Id(2)] string? Name,
    [property: Id(3)] UserRole Role,
    [property: Id(4)] string? Warehouse);
