namespace AgentOps.Users;

[GenerateSerializer, Alias("AgentOps.UserState")]
public sealed class UserState
{
    [Id(0)] public UserProfile? Profile { get; set; }
    [Id(1)] public string? PasswordHash { get; set; }

    /// <summary>Changes with the password and the role: sessions and cached credentials carry it and are refused once it moves on.</summary>
    [Id(2)] public int SecurityStamp { get; set; }
}
