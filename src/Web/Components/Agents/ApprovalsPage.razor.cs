using AgentOps.Agents;
using AgentOps.Web.Agents;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace AgentOps.Web.Components.Agents;

/// <summary>
/// Every call in the cluster waiting for approval. Starts from the run table, then follows the approvals stream:
/// new calls appear and calls decided anywhere else disappear without a reload.
/// </summary>
public sealed partial class ApprovalsPage : IAsyncDisposable
{
    private static readonly TimeSpan Resync = TimeSpan.FromSeconds(30);

    [Inject] private AgentsUiService Agents { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private List<PendingApproval>? _items;
    private bool _canDecide;
    private bool _live;
    private string? _error;
    private DateTimeOffset _now = DateTimeOffset.UtcNow;
    private IAsyncDisposable? _subscription;
    private PeriodicTimer? _clock;

    protected override async Task OnInitializedAsync()
    {
        _canDecide = await Agents.IsApproverAsync();
        var user = (await Agents.UserAsync()).FindFirst(Auth.AgentOpsClaims.UserId)?.Value;
        try
        {
            // Subscribe first, then load: a call proposed in between is in one or the other, never lost.
            _subscription = await Agents.SubscribeApprovalsAsync(notice => InvokeAsync(() =>
            {
                if (_items is null) return;
                if (notice.Pending)
                {
                    if ((_canDecide || notice.Approval.UserId == user) && _items.All(i => i.CallId != notice.Approval.CallId)) _items.Add(notice.Approval);
                }
                else
                {
                    _items.RemoveAll(i => i.CallId == notice.Approval.CallId);
                }
                StateHasChanged();
            }));
            _live = true;
            await LoadAsync();
        }
        catch (Exception e)
        {
            _error = $"The approvals could not be loaded: {e.Message}";
        }
        _clock = new PeriodicTimer(TimeSpan.FromSeconds(5));
        _ = TickAsync(_clock);
    }

    private async Task LoadAsync()
    {
        var loaded = await Agents.PendingApprovalsAsync();
        _items = [.. loaded.OrderBy(i => i.ProposedAt)];
        _now = DateTimeOffset.UtcNow;
    }

    private async Task TickAsync(PeriodicTimer timer)
    {
        var lastSync = DateTimeOffset.UtcNow;
        try
        {
            while (await timer.WaitForNextTickAsync())
            {
                await InvokeAsync(async () =>
                {
                    _now = DateTimeOffset.UtcNow;
                    // A safety net under the stream: resynchronise from the run table now and then.
                    if (_now - lastSync > Resync)
                    {
                        lastSync = _now;
                        await LoadAsync();
                    }
                    StateHasChanged();
                });
            }
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task DecideAsync(PendingApproval approval, DecisionMode mode)
    {
        if (await DecisionDialog.DecideAsync(Dialogs, Agents, approval, mode) is not { } decided) return;
        var (request, outcome) = decided;
        if (outcome.Ok)
        {
            _items?.RemoveAll(i => i.CallId == approval.CallId);
            Snackbar.Add($"{approval.ToolName}: {(request.Decision == ApprovalDecision.Approved ? "approved" : "rejected")}.", Severity.Success);
        }
        else
        {
            Snackbar.Add(string.Join(" ", [outcome.Error, .. outcome.Problems]), Severity.Error);
            await LoadAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _clock?.Dispose();
        if (_subscription is not null) await _subscription.DisposeAsync();
    }
}
