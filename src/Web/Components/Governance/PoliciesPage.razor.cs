using System.Security.Claims;
using System.Text.Json;
using AgentOps.Agents.Tools;
using AgentOps.Governance;
using AgentOps.Web.Governance;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace AgentOps.Web.Components.Governance;

/// <summary>Approval policies: the list in evaluation order, create/edit/delete, each policy's versions, and a what-if evaluation.</summary>
public sealed partial class PoliciesPage
{
    [Inject] private GovernanceService Governance { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;
    [Inject] private ToolRegistry Tools { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private IReadOnlyList<ApprovalPolicy>? _policies;
    private IReadOnlyList<ApprovalPolicy>? _history;
    private string? _error;
    private string? _evalTool = "restart_warehouse";
    private string? _evalAgent = "warehouse-ops";
    private string? _evalArgs = """{"name":"beta"}""";
    private EvaluateResponse? _verdict;
    private string? _evalError;

    private async Task<ClaimsPrincipal> UserAsync() => (await Authentication.GetAuthenticationStateAsync()).User;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        var (policies, error) = await Governance.ListPoliciesAsync(await UserAsync());
        _error = error?.Message;
        _policies = policies;
    }

    private async Task EditAsync(ApprovalPolicy? policy)
    {
        var user = await UserAsync();
        var parameters = new DialogParameters<PolicyDialog>
        {
            { d => d.Policy, policy },
            { d => d.Save, async request => (await Governance.SavePolicyAsync(user, policy?.Id, request)).Error },
        };
        var dialog = await Dialogs.ShowAsync<PolicyDialog>(policy is null ? "New policy" : "Edit policy", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Medium, CloseOnEscapeKey = true });
        if (await dialog.Result is not { Canceled: false }) return;
        Snackbar.Add(policy is null ? "Policy created." : "Policy saved as a new version.", Severity.Success);
        await LoadAsync();
        if (policy is not null && _history is { Count: > 0 } shown && shown[0].Id == policy.Id) await ShowHistoryAsync(policy);
    }

    private async Task ShowHistoryAsync(ApprovalPolicy policy)
    {
        var (versions, error) = await Governance.PolicyHistoryAsync(await UserAsync(), policy.Id);
        if (error is not null) Snackbar.Add(error.Message, Severity.Error);
        _history = error is null ? versions : null;
    }

    private async Task DeleteAsync(ApprovalPolicy policy)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete policy",
            $"Delete “{policy.Rule.Name}”? Calls it matched fall through to the next policy. Its versions are kept.", yesText: "Delete", cancelText: "Keep it");
        if (confirmed != true) return;
        var result = await Governance.DeletePolicyAsync(await UserAsync(), policy.Id);
        Snackbar.Add(result.Error?.Message ?? "Policy deleted.", result.Error is null ? Severity.Success : Severity.Error);
        await LoadAsync();
    }

    private async Task EvaluateAsync()
    {
        _verdict = null;
        _evalError = null;
        JsonElement args;
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(_evalArgs) ? "{}" : _evalArgs);
            args = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            _evalError = $"The arguments are not valid JSON: {e.Message}";
            return;
        }
        var (verdict, error) = await Governance.EvaluateAsync(await UserAsync(), new EvaluateRequest(_evalTool?.Trim(), args, _evalAgent?.Trim()),
            name => Tools.Find(name)?.Risk);
        if (error is not null) _evalError = error.Message;
        else _verdict = EvaluateResponse.From(verdict!);
    }

    private static Color EffectColor(string effect) => effect switch
    {
        "auto_approve" => Color.Success,
        "deny" => Color.Error,
        _ => Color.Warning,
    };
}
