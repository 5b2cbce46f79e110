using AgentOps.Agents;
using AgentOps.Web.Agents;
using AgentOps.Web.Users;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace AgentOps.Web.Components.Agents;

/// <summary>One run with its live journal: follows the root run's stream (which carries its child runs' events too).</summary>
public sealed partial class RunDetailsPage : IAsyncDisposable
{
    [Parameter] public Guid Id { get; set; }

    [Inject] private AgentsUiService Agents { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private PeopleDirectory People { get; set; } = default!;

    private IReadOnlyDictionary<Guid, RunView>? _tree;
    private bool _loading = true;
    private bool _canDecide;
    private Person? _requester;
    private IReadOnlyDictionary<string, Person> _people = new Dictionary<string, Person>();
    private IAsyncDisposable? _subscription;
    private Guid _subscribedTo;
    private readonly SemaphoreSlim _reload = new(1, 1);

    protected override async Task OnParametersSetAsync()
    {
        _canDecide = await Agents.IsApproverAsync();
        if (_subscribedTo != Id)
        {
            if (_subscription is not null) await _subscription.DisposeAsync();
            _subscribedTo = Id;
            // Any journal event means the view is stale: reload the run tree (cheap, and always consistent).
            _subscription = await Agents.SubscribeRunAsync(Id, _ => InvokeAsync(ReloadAsync));
        }
        await ReloadAsync();
        _loading = false;
    }

    private async Task ReloadAsync()
    {
        if (!await _reload.WaitAsync(0)) return;
        try
        {
            _tree = await Agents.GetRunTreeAsync(Id);
            // People by name and e-mail: who asked for the run (and its children), who approved or cancelled.
            _people = await People.ByEmailsAsync(_tree.Values.SelectMany(v => v.Events).Select(e => e.Event switch
            {
                AgentOps.Journal.RunStarted x => x.RequestedBy,
                AgentOps.Journal.RunResumed x => x.DecidedBy,
                AgentOps.Journal.ApprovalGiven x => x.ApprovedBy,
                _ => null,
            }));
            _requester = _tree.TryGetValue(Id, out var shown) ? await People.RequesterOfAsync(shown) : null;
            // A child run's events travel on the root run's stream; follow the root when showing a child.
            if (_tree.TryGetValue(Id, out var run) && run.Run.RootRunId != Id && _subscribedTo == Id)
            {
                if (_subscription is not null) await _subscription.DisposeAsync();
                _subscribedTo = run.Run.RootRunId;
                _subscription = await Agents.SubscribeRunAsync(run.Run.RootRunId, _ => InvokeAsync(ReloadAsync));
            }
            StateHasChanged();
        }
        finally
        {
            _reload.Release();
        }
    }

    private async Task DecideAsync(PendingApproval approval, DecisionMode mode)
    {
        if (await DecisionDialog.DecideAsync(Dialogs, Agents, approval, mode) is not { } decided) return;
        var outcome = decided.Outcome;
        Snackbar.Add(outcome.Ok ? "Decision recorded." : string.Join(" ", [outcome.Error, .. outcome.Problems]), outcome.Ok ? Severity.Success : Severity.Error);
        await ReloadAsync();
    }

    private async Task CancelAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Cancel run", "Cancel this run and its child runs? A waiting tool call will not run.", yesText: "Cancel run", cancelText: "Keep it");
        if (confirmed != true) return;
        var error = await Agents.CancelAsync(Id, "cancelled from the web UI");
        Snackbar.Add(error ?? "Run cancelled.", error is null ? Severity.Success : Severity.Error);
        await ReloadAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null) await _subscription.DisposeAsync();
        _reload.Dispose();
    }
}
