using System.Text.Json;
using AgentOps.Agents;
using AgentOps.Journal;
using AgentOps.Tests.Infrastructure;
using AgentOps.Warehouses;

namespace AgentOps.Tests.Agents;

/// <summary>The run grain's loop and approvals, on the in-memory cluster with the built-in planners.</summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class AgentRunTests(MemoryClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private async Task<(Guid Run, string Warehouse, Guid Book)> SuspendedSetStockAsync(int quantity = 50)
    {
        var scenario = new Scenario(Grains);
        var book = await scenario.BookAsync();
        var warehouse = await scenario.WarehouseAsync("w", (book.Id, 7));
        var run = await Runs.StartAsync(Grains, $"Set stock of {book.Title} at {warehouse} to {quantity}", "inventory");
        var view = await Runs.WaitForAsync(Grains, run, RunStatus.Suspended);
        Assert.Equal("set_stock", view.PendingTool!.ToolName);
        return (run, warehouse, book.Id);
    }

    [Fact]
    public async Task A_dangerous_call_waits_for_approval_and_runs_once_approved()
    {
        var (run, warehouse, book) = await SuspendedSetStockAsync();
        Assert.Equal(7, await Scenario.StockAsync(Grains, warehouse, book));

        var decided = await Grains.GetGrain<IAgentRunGrain>(run).DecideAsync(new RunDecision(ApprovalDecision.Approved, "admin@bookstore.com"));
        Assert.Null(decided.Error);

        var view = await Runs.WaitForAsync(Grains, run, RunStatus.Completed);
        Assert.Equal(50, await Scenario.StockAsync(Grains, warehouse, book));
        Assert.Equal(["RUN_STARTED", "AGENT_THOUGHT", "TOOL_PROPOSED", "TOOL_RESULT", "AGENT_THOUGHT", "TOOL_PROPOSED", "RUN_SUSPENDED",
            "RUN_RESUMED", "TOOL_RESULT", "RUN_COMPLETED"], Runs.Types(view));
        var resumed = Runs.Single<RunResumed>(view);
        Assert.Equal(ApprovalDecision.Approved, resumed.Decision);
        Assert.Equal("admin@bookstore.com", resumed.DecidedBy);
        Assert.Null(view.PendingTool);
        Assert.Equal(Enumerable.Range(1, view.Events.Length), view.Events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task A_read_right_after_a_start_or_a_decision_finds_the_run_where_it_rests_not_half_way()
    {
        // The steps that follow one another run in one turn, and a read queues behind it. The first run warms the
        // code up so that its steps fit in StepTurnBudget on a slow machine too.
        await SuspendedSetStockAsync();
        var scenario = new Scenario(Grains);
        var book = await scenario.BookAsync();
        var warehouse = await scenario.WarehouseAsync("w", (book.Id, 7));
        var run = Grains.GetGrain<IAgentRunGrain>(await Runs.StartAsync(Grains, $"Set stock of {book.Title} at {warehouse} to 9", "inventory"));

        var suspended = (await run.GetAsync())!;
        Assert.Equal(RunStatus.Suspended, suspended.Run.Status);
        Assert.Equal("set_stock", suspended.PendingTool!.ToolName);

        Assert.Null((await run.DecideAsync(new RunDecision(ApprovalDecision.Approved, "admin@bookstore.com"))).Error);
        var completed = (await run.GetAsync())!;
        Assert.Equal(RunStatus.Completed, completed.Run.Status);
        Assert.Equal(9, await Scenario.StockAsync(Grains, warehouse, book.Id));
    }

    [Fact]
    public async Task A_rejection_is_journaled_as_an_error_result_and_the_agent_gives_up_on_it()
    {
        var (run, warehouse, book) = await SuspendedSetStockAsync();

        Assert.Null((await Grains.GetGrain<IAgentRunGrain>(run).DecideAsync(new RunDecision(ApprovalDecision.Rejected, "admin@bookstore.com", Feedback: "wrong warehouse"))).Error);

        var view = await Runs.WaitForAsync(Grains, run, RunStatus.Completed);
        Assert.Equal(7, await Scenario.StockAsync(Grains, warehouse, book));
        var result = view.Events.Select(e => e.Event).OfType<ToolResult>().Last();
        Assert.Equal(ToolResultStatus.Error, result.Status);
        Assert.Equal("rejected: wrong warehouse", JsonDocument.Parse(result.OutputData).RootElement.GetProperty("error").GetString());
        Assert.Contains("rejected by an approver: wrong warehouse", view.Run.Summary);
    }

    [Fact]
    public async Task Edited_arguments_are_validated_again_and_both_sets_are_journaled()
    {
        var (run, warehouse, book) = await SuspendedSetStockAsync(quantity: 50);
        var grain = Grains.GetGrain<IAgentRunGrain>(run);
        var before = (await grain.GetAsync())!.Events.Length;

        var invalid = await grain.DecideAsync(new RunDecision(ApprovalDecision.Approved, "admin@bookstore.com",
            Args: $$"""{"warehouse":"{{warehouse}}","book_id":"{{book}}","quantity":-3}"""));
        Assert.Equal("validation.invalid_tool_args", invalid.Error!.Code);
        Assert.Contains("$.quantity: must be ≥ 0", invalid.Error.Details!.Values);
        Assert.Equal(before, (await grain.GetAsync())!.Events.Length);

        var edited = $$"""{"warehouse":"{{warehouse}}","book_id":"{{book}}","quantity":42}""";
        Assert.Null((await grain.DecideAsync(new RunDecision(ApprovalDecision.Approved, "admin@bookstore.com", Args: edited))).Error);

        var view = await Runs.WaitForAsync(Grains, run, RunStatus.Completed);
        Assert.Equal(42, await Scenario.StockAsync(Grains, warehouse, book));
        var proposed = view.Events.Select(e => e.Event).OfType<ToolProposed>().Single(p => p.ToolName == "set_stock");
        Assert.Equal(50, JsonDocument.Parse(proposed.Args).RootElement.GetProperty("quantity").GetInt32());
        Assert.Equal(42, JsonDocument.Parse(Runs.Single<RunResumed>(view).ApprovedArgs!).RootElement.GetProperty("quantity").GetInt32());
    }

    [Fact]
    public async Task A_decision_for_a_call_that_is_not_pending_is_a_conflict_and_changes_nothing()
    {
        var (run, warehouse, book) = await SuspendedSetStockAsync();
        var grain = Grains.GetGrain<IAgentRunGrain>(run);
        var pending = (await grain.GetPendingApprovalAsync())!;

        var stale = await grain.DecideAsync(new RunDecision(ApprovalDecision.Approved, "admin@bookstore.com", CallId: "call_not_this_one"));
        Assert.Equal("state.conflict", stale.Error!.Code);
        Assert.Equal(pending.CallId, stale.Error.Details!["pending_call_id"]);
        Assert.Equal(RunStatus.Suspended, (await grain.GetSummaryAsync())!.Status);

        Assert.Null((await grain.DecideAsync(new RunDecision(ApprovalDecision.Approved, "admin@bookstore.com", CallId: pending.CallId))).Error);
        var done = await Runs.WaitForAsync(Grains, run, RunStatus.Completed);

        var again = await grain.DecideAsync(new RunDecision(ApprovalDecision.Approved, "admin@bookstore.com", CallId: pending.CallId));
        Assert.Equal("state.conflict", again.Error!.Code);
        Assert.Equal(done.Events.Length, (await grain.GetAsync())!.Events.Length);
        Assert.Equal(50, await Scenario.StockAsync(Grains, warehouse, book));
    }

    [Fact]
    public async Task A_childs_approval_surfaces_through_the_parent_and_is_decided_there()
    {
        var warehouse = await new Scenario(Grains).WarehouseAsync("down");
        await Grains.GetGrain<IWarehouseGrain>(warehouse).SetFaultAsync(FaultKind.Offline, null, "test");
        var run = await Runs.StartAsync(Grains, $"Warehouse {warehouse} is offline. Investigate and bring it back online.", agentType: null);

        var suspended = await Runs.WaitForAsync(Grains, run, RunStatus.Suspended);
        await Scenario.EventuallyAsync(async () => await Grains.GetGrain<IAgentRunGrain>(run).GetPendingApprovalAsync() is not null,
            Runs.Patience, "the child's restart is waiting");
        var pending = (await Grains.GetGrain<IAgentRunGrain>(run).GetPendingApprovalAsync())!;
        var child = Assert.Single((await Grains.GetGrain<IAgentRunGrain>(run).GetAsync())!.ChildRunIds);
        Assert.Equal(child, pending.RunId);
        Assert.Equal(run, pending.RootRunId);
        Assert.Equal("restart_warehouse", pending.ToolName);
        Assert.Equal(JsonSerializer.Serialize(new { name = warehouse }), pending.Args);

        Assert.Null((await Grains.GetGrain<IAgentRunGrain>(run).DecideAsync(new RunDecision(ApprovalDecision.Approved, "admin@bookstore.com"))).Error);

        var parent = await Runs.WaitForAsync(Grains, run, RunStatus.Completed);
        var childView = await Runs.WaitForAsync(Grains, child, RunStatus.Completed);
        Assert.Null((await Grains.GetGrain<IWarehouseGrain>(warehouse).GetSnapshotAsync()).Fault);
        Assert.Equal(WarehouseStatus.Healthy, (await Grains.GetGrain<IWarehouseRegistryGrain>(0).GetAsync(warehouse))!.Status);
        Assert.Equal($"warehouse-ops finished: {childView.Run.Summary}", parent.Run.Summary);
        Assert.Equal(["RUN_STARTED", "AGENT_THOUGHT", "TOOL_PROPOSED", "CHILD_RUN_STARTED", "RUN_SUSPENDED", "CHILD_RUN_COMPLETED", "RUN_RESUMED", "TOOL_RESULT", "RUN_COMPLETED"],
            Runs.Types(parent));
        Assert.Equal(run, Runs.Single<RunStarted>(childView).ParentRunId);
    }

    [Fact]
    public async Task Cancelling_a_run_cancels_its_waiting_child_and_the_tool_never_runs()
    {
        var warehouse = await new Scenario(Grains).WarehouseAsync("cancel");
        await Grains.GetGrain<IWarehouseGrain>(warehouse).SetFaultAsync(FaultKind.Offline, null, "test");
        var run = await Runs.StartAsync(Grains, $"Warehouse {warehouse} is offline. Bring it back online.", agentType: null);
        await Scenario.EventuallyAsync(async () => await Grains.GetGrain<IAgentRunGrain>(run).GetPendingApprovalAsync() is not null,
            Runs.Patience, "the child's restart is waiting");
        var child = Assert.Single((await Grains.GetGrain<IAgentRunGrain>(run).GetAsync())!.ChildRunIds);

        var cancelled = await Grains.GetGrain<IAgentRunGrain>(run).CancelAsync("not now", "admin@bookstore.com");
        Assert.Null(cancelled.Error);
        Assert.Equal(RunStatus.Cancelled, cancelled.Run!.Status);

        var childView = (await Grains.GetGrain<IAgentRunGrain>(child).GetAsync())!;
        Assert.Equal(RunStatus.Cancelled, childView.Run.Status);
        Assert.Equal("admin@bookstore.com", Runs.Single<RunCancelled>(childView).CancelledBy);
        Assert.Null(childView.PendingTool);
        var restart = childView.Events.Select(e => e.Event).OfType<ToolProposed>().Single(p => p.ToolName == "restart_warehouse");
        Assert.DoesNotContain(childView.Events, e => e.Event is ToolResult r && r.CallId == restart.CallId);
        Assert.Equal(FaultKind.Offline, (await Grains.GetGrain<IWarehouseGrain>(warehouse).GetSnapshotAsync()).Fault!.Kind);
        Assert.DoesNotContain((await Grains.GetGrain<IRunDirectoryGrain>(0).ListPendingApprovalsAsync(new ApprovalQuery(Limit: 500))).Approvals, p => p.RootRunId == run);

        Assert.Equal("state.conflict", (await Grains.GetGrain<IAgentRunGrain>(run).CancelAsync("again", "admin")).Error!.Code);
    }

    [Fact]
    public async Task A_run_journals_its_first_steps_with_its_start_and_a_tool_result_with_the_plan_after_it()
    {
        // Start, search (a safe call: proposal and result), plan the dangerous call: one commit. The decision: one.
        // The result of the approved call and the completion: one.
        var (run, _, _) = await SuspendedSetStockAsync();
        var store = new InMemoryRunJournalStore(fixture.Cluster.Options.ServiceId);
        Assert.Equal(1, store.CommitsOf(run));

        Assert.Null((await Grains.GetGrain<IAgentRunGrain>(run).DecideAsync(new RunDecision(ApprovalDecision.Approved, "admin@bookstore.com"))).Error);
        var view = await Runs.WaitForAsync(Grains, run, RunStatus.Completed);

        Assert.Equal(3, store.CommitsOf(run));
        Assert.Equal(10, view.Events.Length);
        Assert.Equal(Enumerable.Range(1, view.Events.Length), view.Events.Select(e => e.Sequence));
        // Two calls proposed in one commit still get distinct call ids.
        var calls = view.Events.Select(e => e.Event).OfType<ToolProposed>().Select(p => p.CallId).ToList();
        Assert.Equal(2, calls.Distinct().Count());
    }

    [Fact]
    public async Task An_approved_call_whose_effect_landed_before_a_crash_is_sent_again_not_proposed_again()
    {
        // The call was approved against quantity 7 and the warehouse applied it (50). The changed quantity is the
        // call's own effect, not someone else's.
        var (run, warehouse, book) = await CrashedAfterApplyingSetStockAsync("landed", "call_landed",
            expects: (w, b) => $$"""{"warehouse":"{{w}}","book_id":"{{b}}","quantity":7}""");

        var view = await Runs.WaitForAsync(Grains, run, RunStatus.Completed);

        Assert.Empty(view.Events.Select(e => e.Event).OfType<PreconditionChanged>());
        var result = Assert.Single(view.Events.Select(e => e.Event).OfType<ToolResult>(), r => r.CallId == "call_landed");
        Assert.Equal(ToolResultStatus.Success, result.Status);
        Assert.Equal(50, await Scenario.StockAsync(Grains, warehouse, book));
    }

    [Fact]
    public async Task An_approved_call_whose_effect_landed_before_a_crash_is_not_proposed_again_when_the_stock_changed_since()
    {
        // Approved against 7, applied (50), then the crash, then staff set 70: the target differs from what the approver
        // saw and from what the call sets, but the call is already applied, so it is neither applied again nor re-proposed.
        var (run, warehouse, book) = await CrashedAfterApplyingSetStockAsync("landed-then-changed", "call_landed_then_changed",
            expects: (w, b) => $$"""{"warehouse":"{{w}}","book_id":"{{b}}","quantity":7}""");
        Assert.Null(await Grains.GetGrain<IWarehouseGrain>(warehouse).SetStockAsync([new StockLine(book, 70)], "staff"));

        var view = await Runs.WaitForAsync(Grains, run, RunStatus.Completed);

        Assert.Empty(view.Events.Select(e => e.Event).OfType<PreconditionChanged>());
        var result = Assert.Single(view.Events.Select(e => e.Event).OfType<ToolResult>(), r => r.CallId == "call_landed_then_changed");
        Assert.Equal(ToolResultStatus.Success, result.Status);
        Assert.Equal(70, await Scenario.StockAsync(Grains, warehouse, book));
    }

    [Fact]
    public async Task An_approved_call_interrupted_before_its_result_is_not_executed_twice()
    {
        var (run, warehouse, book) = await CrashedAfterApplyingSetStockAsync("crash", "call_interrupted");
        // Afterwards staff correct the stock by hand; a second execution of the call would overwrite that.
        Assert.Null(await Grains.GetGrain<IWarehouseGrain>(warehouse).SetStockAsync([new StockLine(book, 70)], "staff"));

        // Activating the run resumes it: it executes the approved call again, with the same call id.
        var view = await Runs.WaitForAsync(Grains, run, RunStatus.Completed);

        Assert.Equal(70, await Scenario.StockAsync(Grains, warehouse, book));
        var result = Assert.Single(view.Events.Select(e => e.Event).OfType<ToolResult>(), r => r.CallId == "call_interrupted");
        Assert.Equal(ToolResultStatus.Success, result.Status);
    }

    /// <summary>
    /// The journal as a crash leaves it: set_stock to 50 of a book stocked at 7 was approved and the warehouse applied
    /// it under <paramref name="callId"/>, but its TOOL_RESULT never reached the journal. The run is not activated yet.
    /// </summary>
    /// <param name="expects">The observation recorded with the proposal, from the warehouse name and the book id.</param>
    private async Task<(Guid Run, string Warehouse, Guid Book)> CrashedAfterApplyingSetStockAsync(string name, string callId,
        Func<string, Guid, string>? expects = null)
    {
        var scenario = new Scenario(Grains);
        var book = await scenario.BookAsync();
        var warehouse = await scenario.WarehouseAsync(name, (book.Id, 7));
        var run = Guid.NewGuid();
        var args = $$"""{"warehouse":"{{warehouse}}","book_id":"{{book.Id}}","quantity":50}""";
        Assert.Null(await Grains.GetGrain<IWarehouseGrain>(warehouse).SetStockAsync([new StockLine(book.Id, 50)], "agent", callId));

        var now = DateTimeOffset.UtcNow;
        RunEvent[] events =
        [
            new RunStarted($"Set stock of {book.Title} at {warehouse} to 50", "tester", "inventory", null, run, null, Runs.Admin),
            new ToolProposed("search_books", JsonSerializer.Serialize(new { query = book.Title }), "call_search", RiskClass.Safe),
            new ToolResult("call_search", JsonSerializer.Serialize(new { books = new[] { new { book_id = book.Id, title = book.Title } } }), ToolResultStatus.Success),
            new ToolProposed("set_stock", args, callId, RiskClass.Dangerous, expects?.Invoke(warehouse, book.Id)),
            new RunSuspended("Waiting for approval of set_stock.", null, callId, now.AddHours(1)),
            new RunResumed(ApprovalDecision.Approved, null, callId, "admin", null),
        ];
        var entries = events.Select((e, i) => new JournalEntry(Guid.NewGuid(), run, i + 1, now, e)).ToList();
        var store = new InMemoryRunJournalStore(fixture.Cluster.Options.ServiceId);
        Assert.True(await store.AppendAsync(entries, RunFold.Summary(RunFold.Replay(run, entries))));
        return (run, warehouse, book.Id);
    }

    [Fact]
    public async Task An_unknown_agent_type_or_an_empty_prompt_is_refused()
    {
        var grain = Grains.GetGrain<IAgentRunGrain>(Guid.NewGuid());
        Assert.Equal("validation.unknown_agent_type", (await grain.StartAsync(new StartRun("do it", "u", "janitor"))).Error!.Code);
        Assert.Equal("validation.missing_prompt", (await grain.StartAsync(new StartRun("  ", "u", null))).Error!.Code);
        Assert.Null(await grain.GetAsync());
    }

    [Fact]
    public async Task The_runs_list_filters_by_user_and_status()
    {
        var user = $"lister-{Guid.NewGuid():N}";
        var first = await Runs.StartAsync(Grains, "reconcile inventory", "inventory", user);
        var second = await Runs.StartAsync(Grains, "reconcile inventory", "inventory", user);
        await Runs.WaitForAsync(Grains, first, RunStatus.Completed);
        await Runs.WaitForAsync(Grains, second, RunStatus.Completed);

        var directory = Grains.GetGrain<IRunDirectoryGrain>(0);
        var mine = await directory.ListAsync(new RunQuery(user, Limit: 1));
        Assert.Equal(2, mine.Total);
        Assert.Equal(second, Assert.Single(mine.Runs).Id);
        Assert.Equal(0, (await directory.ListAsync(new RunQuery(user, RunStatus.Suspended))).Total);
        Assert.Equal(2, (await directory.ListAsync(new RunQuery(user, RunStatus.Completed))).Total);
    }
}
