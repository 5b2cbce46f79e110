namespace AgentOps.Users;

/// <summary>One user; the key is the normalised e-mail address (see UserRules.NormalizeEmail).</summary>
[Alias("AgentOps.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    [Alias("Register")]
    Task<UserResult> RegisterAsync(NewUser user);

    /// <summary>
    /// Checks a password, counting wrong ones against the lockout (for unknown e-mails too, which cost the same hash
    /// check). Not read-only: the failure count changes.
    /// </summary>
    [Alias("SignIn")]
    Task<SignInResult> SignInAsync(string password);

    [Alias("Get"), ReadOnly]
    Task<UserProfile?> GetAsync();

    /// <summary>The security stamp, which changes with the password or the role; null for an unknown user.</summary>
    [Alias("GetStamp"), ReadOnly]
    Task<int?> GetSecurityStampAsync();

    /// <summary>Sets a new password; sessions and cached credentials of the old one stop working.</summary>
    [Alias("ChangePassword")]
    Task<UserResult> ChangePasswordAsync(string newPassword);

    /// <summary>Gives the user another role; their sessions must sign in again to get it.</summary>
    [Alias("ChangeRole")]
    Task<UserResult> ChangeRoleAsync(UserRole role, string? warehouse);
}
