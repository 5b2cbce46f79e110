using System.Globalization;
using AgentOps.Web.Governance;
using Microsoft.AspNetCore.Components;

namespace AgentOps.Web.Components.Governance;

/// <summary>Approval analytics of a period: counts and rates as cards, decision times and automatic shares as bars.</summary>
public sealed partial class ApprovalStatsView
{
    [Parameter, EditorRequired]
    public ApprovalStatsResponse Stats { get; set; } = default!;

    /// <summary>Approvers by e-mail, to show them by name.</summary>
    [Parameter]
    public IReadOnlyDictionary<string, AgentOps.Web.Users.Person> People { get; set; } = new Dictionary<string, AgentOps.Web.Users.Person>();

    /// <summary>Policy names by id.</summary>
    [Parameter]
    public IReadOnlyDictionary<string, string> PolicyNames { get; set; } = new Dictionary<string, string>();

    private string Approver(string key) => People.TryGetValue(key, out var person) ? person.ToString() : key;

    private string PolicyName(string key) => PolicyNames.TryGetValue(key, out var name) ? name : key;

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
