using System.Text.Json;
using AgentOps.Agents;
using AgentOps.Common;
using AgentOps.Governance;
using AgentOps.Journal;
using AgentOps.Tests.Infrastructure;
using AgentOps.Users;

namespace AgentOps.Tests.Governance;

/// <summary>
/// Policies, grants, quorum, escalation and preconditions in the run grain, on the in-memory cluster. Every policy
/// here matches only its test's own warehouse (an argument rule), so tests sharing the cluster do not see each other's.
/// </summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class GovernedRunTests(MemoryClusterFixture fixture)
{
    private const string Ops = "ops@bookstore.com";

    private IGrainFactory Grains => fixture.Grains;

    private IApprovalPolicyGrain Rules => Grains.GetGrain<IApprovalPolicyGrain>(0);

    private static string OnlyAt(string warehouse) =>
        $$$"""{"type":"object","properties":{"warehouse":{"enum":["{{{warehouse}}}"]}},"required":["warehouse"]}""";

    private async Task<(string Warehouse, AgentOps.Catalog.Book Book)> WarehouseAsync()
    {
        var scenario = new Scenario(Grains);
        var book = await scenario.BookAsync();
        return (await scenario.WarehouseAsync("gov", (book.Id, 7)), book);
    }

    private async Task<Guid> PolicyAsync(PolicyDraft draft)
    {
        var created = await Rules.CreatePolicyAsync(draft, Runs.Admin);
        Assert.Null(created.Error);
        return created.Policy!.Id;
    }

    /// <summary>A third admin who starts runs, so that both seeded admins may approve them.</summary>
    private async Task<string> RequesterAsync()
    {
        var email = $"carol{Guid.NewGuid():N}"[..13] + "@bookstore.test";
        Assert.Null((await Grains.GetGrain<IUserGrain>(UserRules.NormalizeEmail(email)).RegisterAsync(new NewUser(email, "carol123", "Carol", UserRole.StoreAdmin, null))).Error);
        return UserRules.NormalizeEmail(email);
    }

    private Task<Guid> SetStockRunAsync(string warehouse, AgentOps.Catalog.Book book, int quantity, string requestedBy = Runs.Admin) =>
        Runs.StartAsync(Grains, $"Set stock of {book.Title} at {warehouse} to {quantity}", "inventory", requestedBy: requestedBy);

    private Task<RunCommandResult> DecideAsync(Guid run, string by, ApprovalDecision decision = ApprovalDecision.Approved, string? args = null) =>
        Grains.GetGrain<IAgentRunGrain>(run).DecideAsync(new RunDecision(decision, by, Args: args));

    [Fact]
    public async Task A_matching_policy_approves_without_a_person_and_the_journal_names_it()
    {
        var (warehouse, book) = await WarehouseAsync();
        var policy = await PolicyAsync(new PolicyDraft("auto-approve stock at the test warehouse", PolicyEffect.AutoApprove, "set_stock", ArgsRule: OnlyAt(warehouse)));

        var run = await SetStockRunAsync(warehouse, book, 40);
        var view = await Runs.WaitForAsync(Grains, run, RunStatus.Completed);

        Assert.Equal(40, await Scenario.StockAsync(Grains, warehouse, book.Id));
        Assert.DoesNotContain("RUN_SUSPENDED", Runs.Types(view));
        var resumed = Runs.Single<RunResumed>(view);
        Assert.Equal($"policy:{policy}", resumed.DecidedBy);
        Assert.Contains("auto-approve stock at the test warehouse", resumed.Explanation);
        var audit = await Grains.GetGrain<IApprovalAuditGrain>(0).ListAsync(run, 0, 10);
        Assert.Equal(["approved", "executed"], audit.Select(a => a.Kind));
    }

    [Fact]
    public async Task A_deny_policy_journals_a_rejected_result_with_its_reason_and_nothing_changes()
    {
        var (warehouse, book) = await WarehouseAsync();
        var policy = await PolicyAsync(new PolicyDraft("freeze", PolicyEffect.Deny, "set_stock", ArgsRule: OnlyAt(warehouse), Reason: "stock is frozen for the audit"));

        var view = await Runs.WaitForAsync(Grains, await SetStockRunAsync(warehouse, book, 40), RunStatus.Completed);

        Assert.Equal(7, await Scenario.StockAsync(Grains, warehouse, book.Id));
        var resumed = Runs.Single<RunResumed>(view);
        Assert.Equal((ApprovalDecision.Rejected, $"policy:{policy}"), (resumed.Decision, resumed.DecidedBy));
        var result = view.Events.Select(e => e.Event).OfType<ToolResult>().Last();
        Assert.Equal(ToolResultStatus.Error, result.Status);
        Assert.Contains("denied by policy", result.OutputData);
        Assert.Contains("stock is frozen for the audit", result.OutputData);
    }

    [Fact]
    public async Task Two_person_approval_needs_two_distinct_admins_other_than_the_requester_and_runs_once()
    {
        var (warehouse, book) = await WarehouseAsync();
        await PolicyAsync(new PolicyDraft("two people for stock", PolicyEffect.Require, "set_stock", ArgsRule: OnlyAt(warehouse), Approvers: 2));
        var requester = await RequesterAsync();
        var run = await SetStockRunAsync(warehouse, book, 55, requester);
        await Runs.WaitForAsync(Grains, run, RunStatus.Suspended);

        Assert.Null((await DecideAsync(run, Runs.Admin)).Error);
        var pending = (await Grains.GetGrain<IAgentRunGrain>(run).GetPendingApprovalAsync())!;
        Assert.Equal(2, pending.Needed);
        Assert.Equal([Runs.Admin], pending.Given.Select(g => g.By));
        Assert.Equal(7, await Scenario.StockAsync(Grains, warehouse, book.Id));

        Assert.Equal(ErrorKind.Conflict, (await DecideAsync(run, Runs.Admin)).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await DecideAsync(run, requester)).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await DecideAsync(run, "alice@customer.com")).Error?.Kind);

        Assert.Null((await DecideAsync(run, Ops)).Error);
        var view = await Runs.WaitForAsync(Grains, run, RunStatus.Completed);
        Assert.Equal(55, await Scenario.StockAsync(Grains, warehouse, book.Id));
        Assert.Single(view.Events.Select(e => e.Event).OfType<ToolResult>(), r => r.CallId == pending.CallId);
        Assert.Equal(Ops, Runs.Single<RunResumed>(view).DecidedBy);
        Assert.Equal(Runs.Admin, Runs.Single<ApprovalGiven>(view).ApprovedBy);
        var audit = await Grains.GetGrain<IApprovalAuditGrain>(0).EvidenceAsync(run, pending.CallId);
        Assert.Equal(["approval_given", "approved", "executed"], audit.Select(a => a.Kind));
    }

    [Fact]
    public async Task Edited_arguments_cannot_escape_a_stricter_policy()
    {
        var (warehouse, book) = await WarehouseAsync();
        var (other, _) = await WarehouseAsync();
        await PolicyAsync(new PolicyDraft("two people at the other warehouse", PolicyEffect.Require, "set_stock", ArgsRule: OnlyAt(other), Approvers: 2));
        var run = await SetStockRunAsync(warehouse, book, 20);
        var pending = (await Runs.WaitForAsync(Grains, run, RunStatus.Suspended)).PendingTool!;

        var edited = JsonSerializer.Serialize(new { warehouse = other, book_id = book.Id, quantity = 20 });
        var refused = await DecideAsync(run, Runs.Admin, args: edited);
        Assert.Equal(ErrorKind.Conflict, refused.Error?.Kind);
        Assert.Contains("stricter rule", refused.Error!.Message);
        Assert.Equal(pending.CallId, (await Grains.GetGrain<IAgentRunGrain>(run).GetPendingApprovalAsync())!.CallId);
        await Grains.GetGrain<IAgentRunGrain>(run).CancelAsync("test over", Runs.Admin);
    }

    [Fact]
    public async Task One_rejection_ends_a_quorum_at_once()
    {
        var (warehouse, book) = await WarehouseAsync();
        await PolicyAsync(new PolicyDraft("two people", PolicyEffect.Require, "set_stock", ArgsRule: OnlyAt(warehouse), Approvers: 2));
        var run = await SetStockRunAsync(warehouse, book, 55, await RequesterAsync());
        await Runs.WaitForAsync(Grains, run, RunStatus.Suspended);

        Assert.Null((await DecideAsync(run, Runs.Admin)).Error);
        Assert.Null((await DecideAsync(run, Ops, ApprovalDecision.Rejected)).Error);

        var view = await Runs.WaitForAsync(Grains, run, RunStatus.Completed);
        Assert.Equal(7, await Scenario.StockAsync(Grains, warehouse, book.Id));
        Assert.Equal(ApprovalDecision.Rejected, Runs.Single<RunResumed>(view).Decision);
    }

    [Fact]
    public async Task A_grant_of_two_uses_approves_exactly_two_of_twenty_racing_calls()
    {
        var (warehouse, book) = await WarehouseAsync();
        var granted = await Rules.CreateGrantAsync(new GrantDraft("set_stock", OnlyAt(warehouse), MaxUses: 2), Runs.Admin);
        Assert.Null(granted.Error);

        var runs = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => SetStockRunAsync(warehouse, book, 100 + i)));
        var views = new List<RunView>();
        foreach (var run in runs)
        {
            await Scenario.EventuallyAsync(async () => (await Grains.GetGrain<IAgentRunGrain>(run).GetAsync())!.Run.Status is RunStatus.Suspended or RunStatus.Completed,
                Runs.Patience, $"run {run} is decided or waiting");
            views.Add((await Grains.GetGrain<IAgentRunGrain>(run).GetAsync())!);
        }

        // How each run's first set_stock call was decided: by the grant at once, or left waiting for a person.
        var firstCalls = views.Select(v => v.Events.Select(e => e.Event).OfType<ToolProposed>().First(p => p.ToolName == "set_stock").CallId).ToList();
        var decidedBy = views.Zip(firstCalls, (v, call) => v.Events.Select(e => e.Event)
            .Select(e => e switch { RunResumed r when r.CallId == call => r.DecidedBy, RunSuspended s when s.CallId == call => "waiting", _ => null })
            .First(d => d is not null)).ToList();
        Assert.Equal(2, decidedBy.Count(d => d == $"grant:{granted.Grant!.Id}"));
        Assert.Equal(18, decidedBy.Count(d => d == "waiting"));
        Assert.Equal(2, (await Rules.ListGrantsAsync(includeInactive: true)).Single(g => g.Id == granted.Grant!.Id).Uses);
        foreach (var run in runs) await Grains.GetGrain<IAgentRunGrain>(run).CancelAsync("test over", Runs.Admin);
    }

    [Fact]
    public async Task A_revoked_grant_approves_nothing_more()
    {
        var (warehouse, book) = await WarehouseAsync();
        var granted = await Rules.CreateGrantAsync(new GrantDraft("set_stock", OnlyAt(warehouse), MaxUses: 100), Runs.Admin);
        await Runs.WaitForAsync(Grains, await SetStockRunAsync(warehouse, book, 8), RunStatus.Completed);

        Assert.NotNull((await Rules.RevokeGrantAsync(granted.Grant!.Id, Runs.Admin)).Grant!.RevokedAt);
        var run = await SetStockRunAsync(warehouse, book, 9);
        await Runs.WaitForAsync(Grains, run, RunStatus.Suspended);
        Assert.Equal(8, await Scenario.StockAsync(Grains, warehouse, book.Id));
        await Grains.GetGrain<IAgentRunGrain>(run).CancelAsync("test over", Runs.Admin);
    }

    [Fact]
    public async Task An_unanswered_call_escalates_once_per_period_after_its_deadline()
    {
        var (warehouse, book) = await WarehouseAsync();
        await PolicyAsync(new PolicyDraft("answer fast", PolicyEffect.Require, "set_stock", ArgsRule: OnlyAt(warehouse), RespondWithin: TimeSpan.FromSeconds(1)));
        var run = await SetStockRunAsync(warehouse, book, 12);
        await Runs.WaitForAsync(Grains, run, RunStatus.Suspended);

        PendingApproval? pending = null;
        await Scenario.EventuallyAsync(async () => (pending = await Grains.GetGrain<IAgentRunGrain>(run).GetPendingApprovalAsync())?.EscalationLevel >= 1,
            Runs.Patience, "the call escalates");
        var view = (await Grains.GetGrain<IAgentRunGrain>(run).GetAsync())!;
        var escalations = view.Events.Select(e => e.Event).OfType<ApprovalEscalated>().ToList();
        Assert.Equal(Enumerable.Range(1, escalations.Count), escalations.Select(e => e.Level));
        Assert.NotNull(pending!.EscalateAt);
        Assert.Null((await DecideAsync(run, Ops)).Error);
        await Runs.WaitForAsync(Grains, run, RunStatus.Completed);
    }

    [Fact]
    public async Task Escalation_stops_at_the_last_level_and_the_call_keeps_waiting()
    {
        var last = new AgentOps.Hosting.AgentOptions().MaxEscalationLevel;
        var (warehouse, book) = await WarehouseAsync();
        await PolicyAsync(new PolicyDraft("answer fast", PolicyEffect.Require, "set_stock", ArgsRule: OnlyAt(warehouse), RespondWithin: TimeSpan.FromSeconds(1)));
        var run = await SetStockRunAsync(warehouse, book, 14);
        await Runs.WaitForAsync(Grains, run, RunStatus.Suspended);

        PendingApproval? pending = null;
        await Scenario.EventuallyAsync(async () => (pending = await Grains.GetGrain<IAgentRunGrain>(run).GetPendingApprovalAsync())?.EscalationLevel == last,
            Runs.Patience, $"the call reaches escalation level {last}");
        // No next deadline: nothing is left to fire a level beyond the last.
        Assert.Null(pending!.EscalateAt);
        var escalations = (await Grains.GetGrain<IAgentRunGrain>(run).GetAsync())!.Events.Select(e => e.Event).OfType<ApprovalEscalated>().ToList();
        Assert.Equal(Enumerable.Range(1, last), escalations.Select(e => e.Level));
        Assert.Null(escalations[^1].NextEscalationAt);
        Assert.All(escalations.SkipLast(1), e => Assert.NotNull(e.NextEscalationAt));
        Assert.Null((await DecideAsync(run, Ops)).Error);
        await Runs.WaitForAsync(Grains, run, RunStatus.Completed);
    }

    [Fact]
    public async Task A_target_changed_after_the_proposal_voids_the_approval_and_asks_again()
    {
        var (warehouse, book) = await WarehouseAsync();
        var run = await SetStockRunAsync(warehouse, book, 30);
        var first = (await Runs.WaitForAsync(Grains, run, RunStatus.Suspended)).PendingTool!;
        Assert.Null(await Grains.GetGrain<AgentOps.Warehouses.IWarehouseGrain>(warehouse).SetStockAsync([new(book.Id, 9)], "someone else"));

        Assert.Null((await DecideAsync(run, Runs.Admin)).Error);

        RunView? view = null;
        await Scenario.EventuallyAsync(async () => (view = await Grains.GetGrain<IAgentRunGrain>(run).GetAsync())!.PendingTool is { } next && next.CallId != first.CallId,
            Runs.Patience, "a new proposal waits for approval");
        Assert.Equal(9, await Scenario.StockAsync(Grains, warehouse, book.Id));
        var changed = Runs.Single<PreconditionChanged>(view!);
        Assert.Equal(first.CallId, changed.CallId);
        Assert.Contains("\"quantity\":7", changed.Expected);
        Assert.Contains("\"quantity\":9", changed.Actual);
        Assert.Contains("\"quantity\":9", view!.Events.Select(e => e.Event).OfType<ToolProposed>().Last().Expects);

        Assert.Null((await DecideAsync(run, Runs.Admin)).Error);
        await Runs.WaitForAsync(Grains, run, RunStatus.Completed);
        Assert.Equal(30, await Scenario.StockAsync(Grains, warehouse, book.Id));
    }

    [Fact]
    public async Task A_target_that_already_reached_the_approved_quantity_completes_without_asking_again()
    {
        // Two runs set the same book to 30: the other one got there first. The approval was for 7 -> 30; the stock is 30.
        var (warehouse, book) = await WarehouseAsync();
        var run = await SetStockRunAsync(warehouse, book, 30);
        var first = (await Runs.WaitForAsync(Grains, run, RunStatus.Suspended)).PendingTool!;
        Assert.Null(await Grains.GetGrain<AgentOps.Warehouses.IWarehouseGrain>(warehouse).SetStockAsync([new(book.Id, 30)], "another run"));

        Assert.Null((await DecideAsync(run, Runs.Admin)).Error);

        var view = await Runs.WaitForAsync(Grains, run, RunStatus.Completed);
        Assert.Empty(view.Events.Select(e => e.Event).OfType<PreconditionChanged>());
        Assert.Equal([first.CallId], view.Events.Select(e => e.Event).OfType<ToolProposed>().Where(p => p.ToolName == "set_stock").Select(p => p.CallId));
        var result = Assert.Single(view.Events.Select(e => e.Event).OfType<ToolResult>(), r => r.CallId == first.CallId);
        Assert.Equal(ToolResultStatus.Success, result.Status);
        Assert.Contains("\"previous_quantity\":30", result.OutputData);
        Assert.Equal(30, await Scenario.StockAsync(Grains, warehouse, book.Id));
    }
}
