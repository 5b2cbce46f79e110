namespace AgentOps.Users;

[GenerateSerializer, Immutable, Alias("AgentOps.UserResult")]
public sealed record UserResult([property: Id(0)] UserProfile? User, [property: Id(1)] Common.OperationError? Error);
