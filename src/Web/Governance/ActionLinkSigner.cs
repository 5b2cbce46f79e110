using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentOps.Governance;
using Microsoft.Extensions.Options;

namespace AgentOps.Web.Governance;

/// <summary>What a signed link carries: one decision on one call, by one approver, for arguments with this hash.</summary>
public sealed record ActionLinkClaims(Guid Nonce, Guid RunId, string CallId, string Decision, string ArgsHash, string Approver, DateTimeOffset ExpiresAt);

/// <summary>
/// Signs and reads action-link tokens: base64url(JSON claims) "." base64url(HMAC-SHA256). The signature binds the
/// call id, the decision, the approver and the hash of the arguments the link was made for. The key is the configured
/// one, or else the cluster's generated key (<see cref="IActionLinkKeyGrain"/>), fetched once per process.
/// </summary>
public sealed class ActionLinkSigner(IOptions<ActionLinkOptions> options, IGrainFactory grains)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly byte[]? _configured = options.Value.SigningKey is { } key ? Encoding.UTF8.GetBytes(key) : null;
    private Task<byte[]>? _clusterKey;

    public async Task<string> SignAsync(ActionLinkClaims claims)
    {
        var body = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims, Json));
        return $"{body}.{Base64Url(HMACSHA256.HashData(await KeyAsync(), Encoding.ASCII.GetBytes(body)))}";
    }

    /// <summary>The claims of a token whose signature holds; null for anything else (forged, cut, not a token).</summary>
    public async Task<ActionLinkClaims?> ReadAsync(string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || token.Length > 4096) return null;
        var body = token[..dot];
        try
        {
            var expected = HMACSHA256.HashData(await KeyAsync(), Encoding.ASCII.GetBytes(body));
            if (!CryptographicOperations.FixedTimeEquals(expected, FromBase64Url(token[(dot + 1)..]))) return null;
            return JsonSerializer.Deserialize<ActionLinkClaims>(FromBase64Url(body), Json);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    private Task<byte[]> KeyAsync()
    {
        if (_configured is not null) return Task.FromResult(_configured);
        var fetched = _clusterKey;
        // A failed fetch (the cluster was unreachable) is not kept: the next link asks again.
        if (fetched is null || fetched.IsFaulted || fetched.IsCanceled)
        {
            fetched = grains.GetGrain<IActionLinkKeyGrain>(0).GetAsync();
            _clusterKey = fetched;
        }
        return fetched;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + (4 - padded.Length % 4) % 4, '='));
    }
}
