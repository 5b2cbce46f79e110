using AgentOps.Web.Governance;
using AgentOps.Web.Users;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace AgentOps.Web.Components.Governance;

/// <summary>Approval analytics over the last 24 hours, 7 days or 30 days, from <see cref="GovernanceService.StatsAsync"/>.</summary>
public sealed partial class ApprovalAnalyticsPage
{
    [Inject] private GovernanceService Governance { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private PeopleDirectory People { get; set; } = default!;

    private string _period = "7d";
    private ApprovalStatsResponse? _stats;
    private string? _error;
    private IReadOnlyDictionary<string, Person> _people = new Dictionary<string, Person>();
    private IReadOnlyDictionary<string, string> _policyNames = new Dictionary<string, string>();

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task PeriodAsync(string period)
    {
        _period = period;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var to = Clock.GetUtcNow();
        var from = to - _period switch
        {
            "24h" => TimeSpan.FromHours(24),
            "30d" => TimeSpan.FromDays(30),
            _ => TimeSpan.FromDays(7),
        };
        var user = (await Authentication.GetAuthenticationStateAsync()).User;
        var (stats, error) = await Governance.StatsAsync(user, from, to);
        _error = error?.Message;
        if (stats is not null)
        {
            _people = await People.ByEmailsAsync(stats.TimeToDecisionByApprover.Keys);
            // Deleted policies too: the period may hold their decisions.
            var (policies, _) = await Governance.ListPoliciesAsync(user, includeDeleted: true);
            _policyNames = policies.ToDictionary(p => p.Id.ToString(), p => p.Rule.Name);
        }
        _stats = stats;
    }
}
