using System.Globalization;
using AgentOps.Web.Governance;
using Microsoft.AspNetCore.Components;

namespace AgentOps.Web.Components.Governance;

/// <summary>Approval analytics of a period: counts and rates as cards, decision times and automatic shares as bars.</summary>
public sealed partial class ApprovalStatsView
{
    [Parameter, EditorRequired]
    public ApprovalStatsResponse Stats { get; set; } = default!;

    private IEnumerable<(string Label, string Value, string TestId)> Cards =>
    [
        ("Decisions", Stats.Decisions.ToString(CultureInfo.InvariantCulture), "stat-decisions"),
        ("Approval rate", Percent(Stats.ApprovalRate), "stat-approval-rate"),
        ("Rejection rate", Percent(Stats.RejectionRate), "stat-rejection-rate"),
        ("Expiry rate", Percent(Stats.ExpiryRate), "stat-expiry-rate"),
        ("Auto-approved", Stats.AutoApproved.ToString(CultureInfo.InvariantCulture), "stat-auto-approved"),
        ("Escalations", Stats.Escalations.ToString(CultureInfo.InvariantCulture), "stat-escalations"),
        ("Waiting now", Stats.WaitingNow.ToString(CultureInfo.InvariantCulture), "stat-waiting"),
    ];

    public static string Percent(double share) => share.ToString("0.#%", CultureInfo.InvariantCulture);

    private static string Width(double share) => Math.Clamp(share * 100, 0, 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
