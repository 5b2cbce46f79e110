using AgentOps.Agents;
using AgentOps.Web.Agents;
using AgentOps.Web.Components.Governance;
using AgentOps.Web.Governance;
using AgentOps.Web.Users;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace AgentOps.Web.Components.Agents;

/// <summary>
/// The calls waiting for approval (every call in the cluster for an approver), a page at a time, oldest first, with
/// the true total, quorum progress, escalation and the rule that asked for approval. Approvers can select calls and
/// decide them together (through <see cref="GovernanceService.DecideBatchAsync"/>, like the HTTP batch). Starts from the run table, then follows the approvals stream: new calls appear and calls decided
/// anywhere else disappear without a reload, and the page and count are re-read from the run table a moment later.
/// </summary>
public sealed partial class ApprovalsPage : IAsyncDisposable
{
    public const int PageSize = 20;

    private static readonly TimeSpan Resync = TimeSpan.FromSeconds(30);

    [Inject] private AgentsUiService Agents { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private GovernanceService Governance { get; set; } = default!;
    [Inject] private PeopleDirectory People { get; set; } = default!;

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
    private IReadOnlyDictionary<string, Person> _people = new Dictionary<string, Person>();

    // Selected calls by key; kept across pages, dropped when a call stops waiting.
    private readonly Dictionary<string, PendingApproval> _selection = [];
    private HashSet<string> _selected = [];

    private bool AllOnPageSelected => _items is { Count: > 0 } items && items.All(i => _selection.ContainsKey(ApprovalList.KeyOf(i)));

    private int PageCount => Math.Max(1, (_total + PageSize - 1) / PageSize);

    private int CurrentPage => _offset / PageSize + 1;

    protected override async Task OnInitializedAsync()
    {
        _canDecide = await Agents.IsApproverAsync();
        var user = (await Agents.UserAsync()).FindFirst(Auth.AgentOpsClaims.UserId)?.Value;
        try
        {
            // Subscribe first, then load: a call proposed in between is in one or the other, never lost.
            _subscription = await Agents.SubscribeApprovalsAsync(notice => InvokeAsync(async () =>
            {
                if (_items is null || !(_canDecide || notice.Approval.UserId == user)) return;
                if (notice.Pending)
                {
                    // A call already shown changed while waiting (an approval towards its quorum, an escalation).
                    var index = _items.FindIndex(i => i.RunId == notice.Approval.RunId && i.CallId == notice.Approval.CallId);
                    if (index >= 0) _items[index] = notice.Approval;
                    // Oldest first: a new call belongs at the end, so it shows at once on the last page if there is room.
                    else if (_offset + _items.Count >= _total && _items.Count < PageSize && _items.All(i => i.CallId != notice.Approval.CallId))
                    {
                        _items.Add(notice.Approval);
                        _total++;
                    }
                }
                else
                {
                    if (_items.RemoveAll(i => i.CallId == notice.Approval.CallId) > 0) _total = Math.Max(0, _total - 1);
                    Unselect(ApprovalList.KeyOf(notice.Approval));
                }
                // The count and the page (calls on other pages, the next call moving up) are re-read on the next tick.
                _stale = true;
                if (notice.Pending && PeopleOf([notice.Approval]).Any(e => !_people.ContainsKey(e))) await NamePeopleAsync();
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
        await NamePeopleAsync();
    }

    private async Task NamePeopleAsync() => _people = await People.ByEmailsAsync(PeopleOf(_items ?? []));

    private static IEnumerable<string> PeopleOf(IEnumerable<PendingApproval> items) =>
        items.SelectMany(i => (i.Given.IsDefault ? [] : i.Given.Select(v => v.By)).Append(i.RequestedBy)).OfType<string>().Where(e => e.Contains('@'));

    private void Select((string Key, bool Selected) change)
    {
        if (!change.Selected) Unselect(change.Key);
        else if (_items?.FirstOrDefault(i => ApprovalList.KeyOf(i) == change.Key) is { } item)
        {
            _selection[change.Key] = item;
            _selected = [.. _selection.Keys];
        }
    }

    private void SelectPage(bool selected)
    {
        foreach (var item in _items ?? []) Select((ApprovalList.KeyOf(item), selected));
    }

    private void Unselect(string key)
    {
        if (_selection.Remove(key)) _selected = [.. _selection.Keys];
    }

    private void ClearSelection()
    {
        _selection.Clear();
        _selected = [];
    }

    private async Task DecideSelectedAsync()
    {
        // The newest view of each selected call (its quorum may have moved since it was ticked).
        var chosen = _selection.Values.Select(s => _items?.FirstOrDefault(i => i.RunId == s.RunId && i.CallId == s.CallId) ?? s).ToList();
        var user = await Agents.UserAsync();
        var parameters = new DialogParameters<BulkDecisionDialog>
        {
            { d => d.Items, chosen },
            { d => d.People, _people },
            { d => d.Decide, items => Governance.DecideBatchAsync(user, items) },
        };
        var dialog = await Dialogs.ShowAsync<BulkDecisionDialog>("Decide selected calls", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Large, CloseOnEscapeKey = true });
        if (await dialog.Result is not { Canceled: false, Data: true }) return;
        // Calls that were decided, or can no longer be, leave the selection; the page is re-read.
        ClearSelection();
        _stale = true;
        await LoadAsync();
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
            // An approval short of the quorum leaves the call waiting (edited arguments start the count again).
            var given = request.EditedArgs is null && !approval.Given.IsDefault ? approval.Given.Length : 0;
            var finished = request.Decision != ApprovalDecision.Approved || given + 1 >= approval.Needed;
            if (finished)
            {
                if (_items?.RemoveAll(i => i.CallId == approval.CallId) > 0) _total = Math.Max(0, _total - 1);
                Unselect(ApprovalList.KeyOf(approval));
            }
            _stale = true;
            Snackbar.Add(finished
                ? $"{approval.ToolName}: {(request.Decision == ApprovalDecision.Approved ? "approved" : "rejected")}."
                : $"{approval.ToolName}: approval {given + 1} of {approval.Needed} recorded; it waits for another approver.", Severity.Success);
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
