using AgentOps.Governance;
using AgentOps.Journal;
using AgentOps.Users;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace AgentOps.Web.Components.Governance;

/// <summary>Policies in the order they are tried (the first that matches decides), with what each matches and does.</summary>
public sealed partial class PolicyTable
{
    [Parameter, EditorRequired]
    public IReadOnlyList<ApprovalPolicy> Policies { get; set; } = [];

    [Parameter]
    public EventCallback<ApprovalPolicy> OnEdit { get; set; }

    [Parameter]
    public EventCallback<ApprovalPolicy> OnHistory { get; set; }

    [Parameter]
    public EventCallback<ApprovalPolicy> OnDelete { get; set; }

    public static Color EffectColor(PolicyEffect effect) => effect switch
    {
        PolicyEffect.AutoApprove => Color.Success,
        PolicyEffect.Deny => Color.Error,
        _ => Color.Warning,
    };

    public static string Matchers(PolicyDraft rule) => string.Join(" · ",
        rule.ToolName ?? "any tool", rule.Risk is { } risk ? JournalCodec.Name(risk) : "any risk", rule.AgentType ?? "any agent");

    public static string Approvers(PolicyDraft rule) =>
        $"{rule.Approvers} of {(rule.Roles.IsDefaultOrEmpty ? RoleNames.StoreAdmin : string.Join(" or ", rule.Roles))}";
}
