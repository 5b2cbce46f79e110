using System.Security.Cryptography;
using System.Text;
using AgentOps.Hosting;
using AgentOps.Users;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AgentOps.Web.Auth;

/// <summary>
/// Checks e-mail and password against the user grain. A successful check is remembered for a short while
/// under a hash of the credentials, so a busy client does not pay for BCrypt on every request.
/// </summary>
public sealed class CredentialVerifier(IGrainFactory grains, IMemoryCache cache, IOptions<SecurityOptions> options)
{
    public async Task<UserProfile?> VerifyAsync(string email, string password)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > 254 || string.IsNullOrEmpty(password) || password.Length > 128) return null;
        var normalized = UserRules.NormalizeEmail(email);
        var key = "cred:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{normalized}\n{password}")));
        if (cache.TryGetValue(key, out UserProfile? known)) return known;

        var profile = await grains.GetGrain<IUserGrain>(normalized).VerifyPasswordAsync(password);
        if (profile is not null)
        {
            cache.Set(key, profile, options.Value.CredentialCacheDuration);
        }
        return profile;
    }
}
