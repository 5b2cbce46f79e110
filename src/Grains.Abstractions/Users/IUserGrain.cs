namespace AgentOps.Users;

/// <summary>One user; the key is the e-mail address in lower case.</summary>
[Alias("AgentOps.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    [Alias("Register")]
    Task<UserResult> RegisterAsync(NewUser user);

    /// <summary>The profile when the password matches, otherwise null (also for unknown users).</summary>
    [Alias("Verify"), ReadOnly]
    Task<UserProfile?> VerifyPasswordAsync(string password);

    [Alias("Get"), ReadOnly]
    Task<UserProfile?> GetAsync();
}
