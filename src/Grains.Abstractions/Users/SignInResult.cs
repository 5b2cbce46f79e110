namespace AgentOps.Users;

/// <summary>
/// The outcome of a password check: the profile and the user's current security stamp when it matched; when the
/// account is locked, how long until it may be tried again (and the password was not checked).
/// </summary>
[GenerateSerializer, Immutable, Alias("AgentOps.SignInResult")]
public sealed record SignInResult(
    [property: Id(0)] UserProfile? User,
    [property: Id(1)] int SecurityStamp,
    [property: Id(2)] TimeSpan? LockedFor)
{
    public static readonly SignInResult Wrong = new(null, 0, null);
}
