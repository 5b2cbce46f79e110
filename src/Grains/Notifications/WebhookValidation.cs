using System.Collections.Immutable;
using AgentOps.Common;

namespace AgentOps.Notifications;

/// <summary>The rules of a webhook draft; a refusal names the field (validation.* codes, 400 at the front door).</summary>
public static class WebhookValidation
{
    public const int MaxUrlLength = 2048;
    public const int MinSecretLength = 16;
    public const int MaxSecretLength = 200;

    /// <summary>The draft with defaults and normal forms (format "json", events lowercase and distinct).</summary>
    public static WebhookDraft Normalize(WebhookDraft draft) => draft with
    {
        Url = draft.Url?.Trim(),
        Events = draft.Events.IsDefault ? [] : [.. draft.Events.Select(e => e?.Trim().ToLowerInvariant() ?? "").Distinct()],
        Format = string.IsNullOrWhiteSpace(draft.Format) ? WebhookFormats.Json : draft.Format.Trim().ToLowerInvariant(),
    };

    /// <summary>Null when the (normalized) draft is acceptable.</summary>
    public static OperationError? Check(WebhookDraft draft, bool allowPlainHttp, bool allowPrivateNetworks = false)
    {
        if (string.IsNullOrEmpty(draft.Url)) return Field("missing_field", "url is required.", "url");
        if (draft.Url.Length > MaxUrlLength) return Field("invalid_url", $"url may have at most {MaxUrlLength} characters.", "url");
        if (!Uri.TryCreate(draft.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            return Field("invalid_url", "url must be an absolute http(s) URL.", "url");
        if (url.Scheme == Uri.UriSchemeHttp && !allowPlainHttp)
            return Field("invalid_url", "url must be https (plain http is not enabled on this cluster).", "url");
        if (!string.IsNullOrEmpty(url.UserInfo)) return Field("invalid_url", "url must not carry credentials; the signature authenticates the sender.", "url");
        if (!allowPrivateNetworks && WebhookAddressGuard.NamesPrivateHost(url))
            return Field("invalid_url", "url must not point at a private, loopback or link-local address (private networks are not enabled on this cluster).", "url");
        if (draft.Events.IsDefaultOrEmpty) return Field("missing_field", $"events is required: one or more of {string.Join(", ", WebhookEvents.All)}.", "events");
        if (draft.Events.FirstOrDefault(e => !WebhookEvents.All.Contains(e)) is { } unknown)
            return Field("invalid_event", $"'{Clip(unknown)}' is not an event; use {string.Join(", ", WebhookEvents.All)}.", "events");
        if (draft.Format is not (WebhookFormats.Json or WebhookFormats.Slack)) return Field("invalid_format", "format must be \"json\" or \"slack\".", "format");
        if (draft.Secret is { } secret && (secret.Length is < MinSecretLength or > MaxSecretLength || secret.Any(char.IsControl)))
            return Field("invalid_secret", $"secret must have {MinSecretLength} to {MaxSecretLength} characters (or be left out to get a random one).", "secret");
        return null;
    }

    public static ImmutableArray<string> Ordered(IEnumerable<string> events) => [.. WebhookEvents.All.Where(events.Contains)];

    private static OperationError Field(string code, string message, string field) =>
        Errors.Validation(code, message, new Dictionary<string, string> { ["field"] = field });

    private static string Clip(string value) => value.Length > 40 ? value[..40] : value;
}
