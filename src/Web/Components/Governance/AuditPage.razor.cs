using System.Security.Claims;
using AgentOps.Governance;
using AgentOps.Web.Governance;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace AgentOps.Web.Components.Governance;

/// <summary>The approval audit, oldest first, optionally of one run, and a check of its hash chain.</summary>
public sealed partial class AuditPage
{
    public const int PageSize = 100;

    [Inject] private GovernanceService Governance { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;

    private List<AuditRecord>? _rows;
    private bool _more;
    private string? _runFilter;
    private Guid? _runId;
    private AuditVerification? _verification;
    private bool _verifying;
    private string? _error;

    private async Task<ClaimsPrincipal> UserAsync() => (await Authentication.GetAuthenticationStateAsync()).User;

    protected override Task OnInitializedAsync() => FilterAsync();

    private async Task FilterAsync()
    {
        _error = null;
        if (string.IsNullOrWhiteSpace(_runFilter)) _runId = null;
        else if (Guid.TryParse(_runFilter.Trim(), out var id)) _runId = id;
        else
        {
            _error = "The run id is not a GUID.";
            return;
        }
        _rows = [];
        await MoreAsync();
    }

    private async Task MoreAsync()
    {
        var after = _rows is { Count: > 0 } rows ? rows[^1].Sequence : 0;
        var (page, error) = await Governance.AuditAsync(await UserAsync(), _runId, after, PageSize);
        _error = error?.Message;
        _rows ??= [];
        _rows.AddRange(page);
        _more = page.Length == PageSize;
    }

    private async Task VerifyAsync()
    {
        _verifying = true;
        try
        {
            var (result, error) = await Governance.VerifyAsync(await UserAsync());
            _error = error?.Message;
            _verification = result;
        }
        finally
        {
            _verifying = false;
        }
    }
}
