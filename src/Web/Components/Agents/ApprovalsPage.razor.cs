using AgentOps.Agents;
using AgentOps.Web.Agents;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace AgentOps.Web.Components.Agents;

/// <summary>
/// The calls waiting for approval (every call in the cluster for an approver), a page at a time, oldest first, with
/// the true total. Starts from the run table, then follows the approvals stream: new calls appear and calls decided
/// anywhere else disappear without a reload, and the page and count are re-read from the run table a moment later.
/// </summary>
public sealed partial class ApprovalsPage : IAsyncDisposable
{
    public const int PageSize = 20;

    private static readonly TimeSpan Resync = TimeSpan.FromSeconds(30);

    [Inject] private AgentsUiService Agents { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private List<PendingApproval>? _items;
    private int _total;
    private int _offset;
    private bool _stale;
    private bool _canDecide;
    private bool _live;
    private string? _error;
    private DateTimeOffset _now = DateTimeOffset.UtcNow;
    private IAsyncDisposable? _subscription;
    private PeriodicTimer? _clock;

    private int PageCount => Math.Max(1, (_total + PageSize - 1) / PageSize);

    private int CurrentPage => _offset / PageSize + 1;

    protected override async Task OnInitializedAsync()
    {
        _canDecide = await Agents.IsApproverAsync();
        var user = (await Agents.UserAsync()).FindFirst(Auth.AgentOpsClaims.UserId)?.Value;
        try
        {
            // Subscribe first, then load: a call proposed in between is in one or the other, never lost.
            _subscription = await Agents.SubscribeApprovalsAsync(notice => InvokeAsync(() =>
            {
                if (_items is null || !(_canDecide || notice.Approval.UserId == user)) return;
                if (notice.Pending)
                {
                    // Oldest first: a new call belongs at the end, so it shows at once on the last page if there is room.
                    if (_offset + _items.Count >= _total && _items.Count < PageSize && _items.All(i => i.CallId != notice.Approval.CallId))
                    {
                        _items.Add(notice.Approval);
                        _total++;
                    }
                }
                else if (_items.RemoveAll(i => i.CallId == notice.Approval.CallId) > 0)
                {
                    _total = Math.Max(0, _total - 1);
                }
                // The count and the page (calls on other pages, the next call moving up) are re-read on the next tick.
                _stale = true;
                StateHasChanged();
            }));
            _live = true;
            await LoadAsync();
        }
        catch (Exception e)
        {
            _error = $"The approvals could not be loaded: {e.Message}";
        }
        _clock = new PeriodicTimer(TimeSpan.FromSeconds(1));
        _ = TickAsync(_clock);
    }

    private async Task LoadAsync()
    {
        var page = await Agents.PendingApprovalsAsync(PageSize, _offset);
        if (page.Approvals.IsEmpty && _offset > 0 && page.Total > 0)
        {
            // The page emptied under us (calls were decided): show the last page there is.
            _offset = (page.Total - 1) / PageSize * PageSize;
            page = await Agents.PendingApprovalsAsync(PageSize, _offset);
        }
        _items = [.. page.Approvals];
        _total = page.Total;
        _stale = false;
        _now = DateTimeOffset.UtcNow;
    }

    private async Task GoToPageAsync(int page)
    {
        _offset = (Math.Clamp(page, 1, PageCount) - 1) * PageSize;
        await LoadAsync();
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
                    // A safety net under the stream: resynchronise from the run table after changes, and now and then.
                    if (_stale || _now - lastSync > Resync)
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
            if (_items?.RemoveAll(i => i.CallId == approval.CallId) > 0) _total = Math.Max(0, _total - 1);
            _stale = true;
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
