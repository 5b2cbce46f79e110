using System.Security.Cryptography;
using System.Text;
using AgentOps.Hosting;
using Microsoft.Extensions.Options;

namespace AgentOps.Notifications;

/// <summary>
/// Webhook secrets at rest: the HMAC needs the secret itself, so it is stored encrypted (AES-256-GCM, the webhook's
/// id as associated data, so a value copied to another row does not decrypt) under <see cref="WebhookOptions.SecretKey"/>.
/// Stored form: <c>v1:</c> + base64(nonce | tag | ciphertext). A row written before encryption (no prefix) is read as it is.
/// </summary>
public sealed class WebhookSecretProtector
{
    private const string Prefix = "v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key;

    public WebhookSecretProtector(IOptions<WebhookOptions> options)
    {
        _key = options.Value.SecretKey is { Length: > 0 } configured
            ? Convert.FromBase64String(configured)
            : SHA256.HashData(Encoding.UTF8.GetBytes(WebhookOptions.DevelopmentSecretKeySeed));
    }

    public string Protect(Guid webhookId, string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), webhookId.ToByteArray());
        return Prefix + Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The secret; null when the stored value was not sealed with this key (the key was changed) or is damaged.</summary>
    public string? Unprotect(Guid webhookId, string stored)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal)) return stored;
        try
        {
            var sealedBytes = Convert.FromBase64String(stored[Prefix.Length..]);
            if (sealedBytes.Length < NonceSize + TagSize) return null;
            var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plain,
                webhookId.ToByteArray());
            return Encoding.UTF8.GetString(plain);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return null;
        }
    }
}
