using System.Security.Cryptography;
using System.Text;

namespace AgentOps.Notifications;

/// <summary>
/// The <c>X-AgentOps-Signature</c> header: <c>sha256=</c> and the lowercase hex HMAC-SHA256 of the exact body bytes,
/// keyed with the webhook's secret (UTF-8), so a receiver can check that the body came from this cluster unchanged.
/// </summary>
public static class WebhookSignature
{
    public const string Prefix = "sha256=";

    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>A receiver's check, in constant time.</summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? header) =>
        header is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, body)), Encoding.ASCII.GetBytes(header));

    /// <summary>A new random secret: 32 bytes as hex.</summary>
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
