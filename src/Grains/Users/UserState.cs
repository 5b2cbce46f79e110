namespace AgentOps.Users;

[GenerateSerializer, Alias("AgentOps.UserState")]
public sealed class UserState
{
    [Id(0)] public UserProfile? Profile { get; set; }
    [Id(1)] public string? PasswordHash { get; set; }
}
