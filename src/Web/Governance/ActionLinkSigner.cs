using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace AgentOps.Web.Governance;

/// <summary>What a signed link carries: one decision on one call, by one approver, for arguments with this hash.</summary>
public sealed record ActionLinkClaims(Guid Nonce, Guid RunId, string CallId, string Decision, string ArgsHash, string Approver, DateTimeOffset ExpiresAt);

/// <summary>
/// Signs and reads action-link tokens: base64url(JSON claims) "." base64url(HMAC-SHA256). The signature binds the
/// call id, the decision, the approver and the hash of the arguments the link was made for.
/// </summary>
public sealed class ActionLinkSigner
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly byte[] _key;

    public ActionLinkSigner(IOptions<ActionLinkOptions> options)
    {
        _key = options.Value.SigningKey is { } key ? Encoding.UTF8.GetBytes(key) : RandomNumberGenerator.GetBytes(32);
    }

    public string Sign(ActionLinkClaims claims)
    {
        var body = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims, Json));
        return $"{body}.{Base64Url(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(body)))}";
    }

    /// <summary>The claims of a token whose signature holds; null for anything else (forged, cut, not a token).</summary>
    public ActionLinkClaims? Read(string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || token.Length > 4096) return null;
        var body = token[..dot];
        try
        {
            var expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(body));
            if (!CryptographicOperations.FixedTimeEquals(expected, FromBase64Url(token[(dot + 1)..]))) return null;
            return JsonSerializer.Deserialize<ActionLinkClaims>(FromBase64Url(body), Json);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + (4 - padded.Length % 4) % 4, '='));
    }
}
