using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using AgentOps.Hosting;
using AgentOps.Users;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AgentOps.Web.Auth;

/// <summary>
/// Checks e-mail and password for every way in (HTTP Basic, the login endpoint, the UI's sign-in) against the user
/// grain, which counts wrong passwords and locks the account (cluster-wide). A successful check is remembered for a
/// short while under a hash of the credentials, so a busy client does not pay for BCrypt on every request; each use
/// of it still compares the user's security stamp, so a changed password or role ends it. The stamp itself is reused
/// for <see cref="SecurityOptions.StampRecheckInterval"/>: a change made through this process (<see cref="Forget"/>)
/// applies at once, one made through another web process within that interval.
/// Requests with the same credentials that miss the cache together share one check: when a busy client's entry
/// expired, each of its requests in flight queued a BCrypt check in the user grain, and the last waited seconds.
/// </summary>
public sealed class CredentialVerifier(IGrainFactory grains, IMemoryCache cache, IOptions<SecurityOptions> options)
{
    private readonly ConcurrentDictionary<string, Task<CredentialCheck>> _checking = new();
    // Bumped by Forget: a stamp read that was in flight across a change must not be cached after it.
    private long _generation;

    public async Task<CredentialCheck> VerifyAsync(string email, string password)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > 254 || string.IsNullOrEmpty(password) || password.Length > 128) return CredentialCheck.Wrong;
        var normalized = UserRules.NormalizeEmail(email);
        var user = grains.GetGrain<IUserGrain>(normalized);
        var key = "cred:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{normalized}\n{password}")));
        if (cache.TryGetValue(key, out CredentialCheck? known) && known is not null)
        {
            if (await StampAsync(normalized) == known.SecurityStamp) return known;
            cache.Remove(key);
        }

        var checking = _checking.GetOrAdd(key, _ => SignInAsync(user, password, key));
        try
        {
            return await checking;
        }
        finally
        {
            _checking.TryRemove(new KeyValuePair<string, Task<CredentialCheck>>(key, checking));
        }
    }

    private async Task<CredentialCheck> SignInAsync(IUserGrain user, string password, string key)
    {
        var result = await user.SignInAsync(password);
        var check = new CredentialCheck(result.User, result.SecurityStamp, result.LockedFor);
        if (check.User is not null && options.Value.CredentialCacheDuration > TimeSpan.Zero)
        {
            cache.Set(key, check, options.Value.CredentialCacheDuration);
        }
        return check;
    }

    /// <summary>The user's current security stamp, asked of the user grain; null when the user no longer exists.</summary>
    public Task<int?> CurrentStampAsync(string email) => grains.GetGrain<IUserGrain>(UserRules.NormalizeEmail(email)).GetSecurityStampAsync();

    /// <summary>Drops what this process remembers of the user's stamp: call it after changing the password or the role.</summary>
    public void Forget(string email)
    {
        Interlocked.Increment(ref _generation);
        cache.Remove(StampKey(UserRules.NormalizeEmail(email)));
    }

    private async Task<int?> StampAsync(string normalized)
    {
        var interval = options.Value.StampRecheckInterval;
        if (interval <= TimeSpan.Zero) return await CurrentStampAsync(normalized);
        var key = StampKey(normalized);
        if (cache.TryGetValue(key, out int? remembered)) return remembered;
        var generation = Interlocked.Read(ref _generation);
        var stamp = await CurrentStampAsync(normalized);
        if (Interlocked.Read(ref _generation) == generation)
        {
            cache.Set(key, stamp, interval);
            // A Forget between the check and the Set: what was just stored may be the old stamp.
            if (Interlocked.Read(ref _generation) != generation) cache.Remove(key);
        }
        return stamp;
    }

    private static string StampKey(string normalized) => "stamp:" + normalized;
}

/// <summary>A matching password gives the user; a locked account gives how long until it may be tried again.</summary>
public sealed record CredentialCheck(UserProfile? User, int SecurityStamp, TimeSpan? LockedFor)
{
    public static readonly CredentialCheck Wrong = new(null, 0, null);

    public const string LockedMessage = "Too many failed sign-ins for this account; try again later.";
}
