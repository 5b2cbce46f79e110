using System.Collections.Immutable;

namespace AgentOps.Notifications;

/// <summary>What an admin asks for: where to post, which events, which body; a secret of their own or none (one is made).</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.WebhookDraft")]
public sealed record WebhookDraft(
    [property: Id(0)] string? Url,
    [property: Id(1)] ImmutableArray<string> Events,
    [property: Id(2)] string? Format = null,
    [property: Id(3)] string? Secret = null);

/// <summary>A registered webhook as it is shown: never with its secret.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.Webhook")]
public sealed record Webhook(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Url,
    [property: Id(2)] ImmutableArray<string> Events,
    [property: Id(3)] string Format,
    [property: Id(4)] bool Active,
    [property: Id(5)] string CreatedBy,
    [property: Id(6)] DateTimeOffset CreatedAt);
