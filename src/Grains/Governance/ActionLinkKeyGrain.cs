using System.Security.Cryptography;
using AgentOps.Hosting;
using AgentOps.Notifications;
using Microsoft.Extensions.Logging;

namespace AgentOps.Governance;

[GenerateSerializer, Alias("AgentOps.ActionLinkKeyState")]
public sealed class ActionLinkKeyState
{
    /// <summary>The key sealed like a webhook secret (AES-256-GCM under AgentOps:Webhooks:SecretKey).</summary>
    [Id(0)] public string? SealedKey { get; set; }

    [Id(1)] public DateTimeOffset? CreatedAt { get; set; }
}

/// <summary>Makes the link-signing key once and keeps it sealed in grain storage; a copy of the storage alone cannot forge links.</summary>
public sealed class ActionLinkKeyGrain(
    [PersistentState("actionLinkKey", StorageNames.Store)] IPersistentState<ActionLinkKeyState> state,
    WebhookSecretProtector protector, TimeProvider clock, ILogger<ActionLinkKeyGrain> logger)
    : Grain, IActionLinkKeyGrain
{
    /// <summary>Associated data of the sealed key: a value sealed for a webhook does not open as this key, nor the reverse.</summary>
    internal static readonly Guid Purpose = new("6c1b3f0e-9a51-4f7e-8d2a-5a3c0b7e1d44");

    private byte[]? _key;

    public async Task<byte[]> GetAsync()
    {
        if (_key is not null) return _key;
        if (state.State.SealedKey is { } stored)
        {
            if (protector.Unprotect(Purpose, stored) is { } opened) return _key = Convert.FromBase64String(opened);
            // The sealing key was changed: the old link key cannot be read back, so links made with it stop working.
            logger.LogWarning("The stored action-link key does not open with the configured AgentOps:Webhooks:SecretKey; a new one is made and earlier links stop working");
        }
        var key = RandomNumberGenerator.GetBytes(32);
        state.State.SealedKey = protector.Protect(Purpose, Convert.ToBase64String(key));
        state.State.CreatedAt = clock.GetUtcNow();
        await state.WriteStateAsync();
        return _key = key;
    }
}
