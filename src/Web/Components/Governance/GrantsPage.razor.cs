using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using AgentOps.Governance;
using AgentOps.Web.Governance;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace AgentOps.Web.Components.Governance;

/// <summary>Standing grants: the active ones (or all), a new grant, and revoking one.</summary>
public sealed partial class GrantsPage
{
    [Inject] private GovernanceService Governance { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    private IReadOnlyList<StandingGrant>? _grants;
    private bool _all;
    private DateTimeOffset _now;
    private string? _error;
    private string? _tool;
    private int? _maxUses;
    private string? _expiresAt;
    private string? _argsRule;
    private string? _reason;
    private string? _formError;

    private async Task<ClaimsPrincipal> UserAsync() => (await Authentication.GetAuthenticationStateAsync()).User;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        var (grants, error) = await Governance.ListGrantsAsync(await UserAsync(), _all);
        _now = Clock.GetUtcNow();
        _error = error?.Message;
        _grants = grants;
    }

    private async Task ShowAllAsync(bool all)
    {
        _all = all;
        await LoadAsync();
    }

    private async Task CreateAsync()
    {
        _formError = null;
        JsonElement? rule = null;
        if (!string.IsNullOrWhiteSpace(_argsRule))
        {
            try
            {
                using var document = JsonDocument.Parse(_argsRule);
                rule = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                _formError = $"The argument rule is not valid JSON: {e.Message}";
                return;
            }
        }
        DateTimeOffset? expires = null;
        if (!string.IsNullOrWhiteSpace(_expiresAt))
        {
            if (!DateTime.TryParse(_expiresAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            {
                _formError = "Expires at is not a date and time.";
                return;
            }
            expires = new DateTimeOffset(at, TimeSpan.Zero);
        }
        var result = await Governance.CreateGrantAsync(await UserAsync(), new GrantRequest(_tool, rule, _maxUses, expires, _reason));
        if (result.Error is { } error)
        {
            _formError = error.Details is { Count: > 0 } details ? $"{error.Message} {string.Join("; ", details.Select(d => $"{d.Key}: {d.Value}"))}" : error.Message;
            return;
        }
        Snackbar.Add($"Granted {result.Grant!.Grant.ToolName}.", Severity.Success);
        (_tool, _maxUses, _expiresAt, _argsRule, _reason) = (null, null, null, null, null);
        await LoadAsync();
    }

    private async Task RevokeAsync(StandingGrant grant)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Revoke grant", $"Revoke the grant of {grant.Grant.ToolName}? The next matching call waits for a person.",
            yesText: "Revoke", cancelText: "Keep it");
        if (confirmed != true) return;
        var result = await Governance.RevokeGrantAsync(await UserAsync(), grant.Id);
        Snackbar.Add(result.Error?.Message ?? "Grant revoked.", result.Error is null ? Severity.Success : Severity.Error);
        await LoadAsync();
    }
}
