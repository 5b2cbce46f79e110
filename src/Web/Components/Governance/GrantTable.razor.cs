using AgentOps.Governance;
using Microsoft.AspNetCore.Components;

namespace AgentOps.Web.Components.Governance;

/// <summary>Standing grants with their uses (x of max), expiry, who granted them and whether they still approve anything.</summary>
public sealed partial class GrantTable
{
    [Parameter, EditorRequired]
    public IReadOnlyList<StandingGrant> Grants { get; set; } = [];

    /// <summary>The time activity and expiry are judged against (a parameter so tests can fix it).</summary>
    [Parameter]
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

    [Parameter]
    public EventCallback<StandingGrant> OnRevoke { get; set; }

    public static string Uses(StandingGrant grant) => grant.Grant.MaxUses is { } max ? $"{grant.Uses} of {max}" : $"{grant.Uses} (no limit)";

    public static string State(StandingGrant grant, DateTimeOffset now) =>
        grant.RevokedAt is { } revoked ? $"revoked by {grant.RevokedBy} {revoked:yyyy-MM-dd HH:mm}"
        : grant.Grant.ExpiresAt is { } expires && now >= expires ? "expired"
        : grant.Grant.MaxUses is { } max && grant.Uses >= max ? "used up"
        : "active";
}
