using System.Security.Cryptography;
using AgentOps.Hosting;
using Microsoft.Extensions.Options;

namespace AgentOps.Users;

/// <summary>Hashes and checks passwords; an interface so that tests can see that a check really hashed.</summary>
public interface IPasswordHasher
{
    string Hash(string password);

    /// <summary>
    /// Whether <paramref name="password"/> matches <paramref name="hash"/>. A null hash (no such user) is checked
    /// against a hash of the same cost and never matches, so an unknown user answers as slowly as a known one.
    /// </summary>
    bool Verify(string password, string? hash);
}

/// <summary>BCrypt at <see cref="SecurityOptions.BcryptWorkFactor"/>.</summary>
public sealed class BcryptPasswordHasher : IPasswordHasher
{
    private readonly IOptions<SecurityOptions> _options;
    private readonly Lazy<string> _unusable;

    public BcryptPasswordHasher(IOptions<SecurityOptions> options)
    {
        _options = options;
        // A hash of a random secret nobody knows: checking against it costs what a real check costs.
        _unusable = new Lazy<string>(() => Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));
    }

    public string Hash(string password) => BCrypt.Net.BCrypt.HashPassword(password, _options.Value.BcryptWorkFactor);

    public bool Verify(string password, string? hash) => BCrypt.Net.BCrypt.Verify(password, hash ?? _unusable.Value) && hash is not null;
}
