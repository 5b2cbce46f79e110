using AgentOps.Agents;
using AgentOps.Journal;
using AgentOps.Web.Components.Agents;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace AgentOps.Tests.Ui;

/// <summary>bunit tests of the approval inbox, the decision form and the run timeline.</summary>
public sealed class ComponentTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    // MudBlazor's services only dispose asynchronously, so the context is owned here rather than inherited.
    private readonly BunitContext _bunit = new();

    public ComponentTests()
    {
        _bunit.Services.AddMudServices();
        _bunit.JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _bunit.DisposeAsync();

    private IRenderedComponent<T> Render<T>(Action<ComponentParameterCollectionBuilder<T>> parameters) where T : Microsoft.AspNetCore.Components.IComponent =>
        _bunit.Render(parameters);

    private static PendingApproval Approval(string callId = "call_1", string tool = "restart_warehouse", string args = """{"name":"beta"}""") =>
        new(Guid.NewGuid(), Guid.NewGuid(), "warehouse-ops", callId, tool, args, RiskClass.Dangerous, Now.AddSeconds(-90), Now.AddHours(24).AddSeconds(-90),
            "Warehouse beta is offline.", "user-1");

    [Fact]
    public void The_inbox_shows_each_waiting_call_readably_and_approving_reports_that_call()
    {
        var first = Approval("call_1");
        var second = Approval("call_2", "set_stock", """{"warehouse":"alpha","quantity":50}""");
        PendingApproval? approved = null;

        var cut = Render<ApprovalList>(p => p
            .Add(x => x.Items, [first, second])
            .Add(x => x.CanDecide, true)
            .Add(x => x.Now, Now)
            .Add(x => x.OnApprove, (PendingApproval a) => approved = a));

        var cards = cut.FindAll("[data-testid=approval]");
        Assert.Equal(2, cards.Count);
        Assert.Equal("restart_warehouse", cards[0].QuerySelector("[data-testid=approval-tool]")!.TextContent);
        Assert.Equal("waiting 1 min · expires in 23 h 58 min", cards[0].QuerySelector("[data-testid=approval-age]")!.TextContent.Trim());
        // Arguments are a name/value table, not a JSON blob.
        Assert.Equal(["warehouse", "quantity"], cards[1].QuerySelectorAll("th").Select(th => th.TextContent));
        Assert.Equal(["alpha", "50"], cards[1].QuerySelectorAll("td").Select(td => td.TextContent));
        Assert.Contains("Warehouse beta is offline.", cards[0].TextContent);

        cards[1].QuerySelector("[data-testid=approve]")!.Click();
        Assert.Equal("call_2", approved?.CallId);
    }

    [Fact]
    public void People_who_may_not_approve_see_no_decision_buttons()
    {
        var cut = Render<ApprovalList>(p => p.Add(x => x.Items, [Approval()]).Add(x => x.CanDecide, false).Add(x => x.Now, Now));
        Assert.Empty(cut.FindAll("[data-testid=approve]"));
        Assert.Empty(cut.FindAll("[data-testid=reject]"));
        Assert.Single(cut.FindAll("[data-testid=approver-only]"));
    }

    [Fact]
    public void An_empty_inbox_says_so()
    {
        var cut = Render<ApprovalList>(p => p.Add(x => x.Items, []).Add(x => x.Now, Now));
        Assert.Equal("No tool calls are waiting for approval.", cut.Find("[data-testid=inbox-empty]").TextContent.Trim());
    }

    [Fact]
    public void Edited_arguments_show_their_problems_and_cannot_be_approved_until_fixed()
    {
        DecisionRequest? submitted = null;
        var cut = Render<DecisionForm>(p => p
            .Add(x => x.Approval, Approval())
            .Add(x => x.Mode, DecisionMode.Edit)
            .Add(x => x.Validate, (_, json) => json.Contains("\"name\"", StringComparison.Ordinal) ? [] : ["$.name: is required"])
            .Add(x => x.OnSubmit, (DecisionRequest r) => submitted = r));

        Assert.Contains("\"name\": \"beta\"", cut.Find(".args-editor textarea").GetAttribute("value") ?? cut.Find(".args-editor textarea").TextContent);
        cut.Find(".args-editor textarea").Input("""{"warehouse":"beta"}""");
        Assert.Equal("$.name: is required", cut.Find(".args-problem").TextContent);
        Assert.True(cut.Find("button.confirm-decision").HasAttribute("disabled"));

        cut.Find(".args-editor textarea").Input("""{"name":"gamma"}""");
        Assert.Empty(cut.FindAll(".args-problem"));
        cut.Find("button.confirm-decision").Click();
        Assert.Equal(new DecisionRequest(ApprovalDecision.Approved, null, """{"name":"gamma"}"""), submitted);
    }

    [Fact]
    public void A_rejection_needs_feedback_for_the_agent()
    {
        DecisionRequest? submitted = null;
        var cut = Render<DecisionForm>(p => p
            .Add(x => x.Approval, Approval())
            .Add(x => x.Mode, DecisionMode.Reject)
            .Add(x => x.OnSubmit, (DecisionRequest r) => submitted = r));

        Assert.True(cut.Find("button.confirm-decision").HasAttribute("disabled"));
        cut.Find(".feedback textarea").Input("not during the sale");
        cut.Find("button.confirm-decision").Click();
        Assert.Equal(new DecisionRequest(ApprovalDecision.Rejected, "not during the sale", null), submitted);
    }

    [Fact]
    public void The_timeline_shows_every_event_with_decisions_and_the_child_run_inline()
    {
        var root = Guid.NewGuid();
        var child = Guid.NewGuid();
        var rootView = View(root, null,
            new RunStarted("Warehouse beta is offline.", "u", "orchestrator", null, root, null),
            new AgentThought("Routing to warehouse-ops."),
            new ToolProposed("delegate_to_agent", """{"agent_type":"warehouse-ops","task":"t"}""", "call_d", RiskClass.Delegation),
            new ChildRunStarted(child, "warehouse-ops", "t", "call_d"),
            new RunSuspended("Waiting for child run.", child, null, null));
        var childView = View(child, root,
            new RunStarted("t", "u", "warehouse-ops", root, root, "call_d"),
            new ToolProposed("restart_warehouse", """{"name":"beta"}""", "call_r", RiskClass.Dangerous),
            new RunSuspended("Waiting for approval of restart_warehouse.", null, "call_r", Now.AddHours(24)),
            new RunResumed(ApprovalDecision.Approved, "go", "call_r", "admin@bookstore.com", null),
            new ToolResult("call_r", """{"warehouse":"beta","fault_cleared":true}""", ToolResultStatus.Success),
            new RunCompleted("Warehouse beta is back online.", null));

        var cut = Render<RunTimeline>(p => p.Add(x => x.Run, rootView).Add(x => x.Children, new Dictionary<Guid, RunView> { [root] = rootView, [child] = childView }));

        var rootEvents = cut.FindAll($".timeline-entry[data-run='{root}']").Select(e => e.GetAttribute("data-type"));
        Assert.Equal(["RUN_STARTED", "AGENT_THOUGHT", "TOOL_PROPOSED", "CHILD_RUN_STARTED", "RUN_SUSPENDED"], rootEvents);
        var inline = cut.Find($"[data-child-run='{child}']");
        Assert.Equal(["RUN_STARTED", "TOOL_PROPOSED", "RUN_SUSPENDED", "RUN_RESUMED", "TOOL_RESULT", "RUN_COMPLETED"],
            inline.QuerySelectorAll(".timeline-entry").Select(e => e.GetAttribute("data-type")));
        var decision = inline.QuerySelectorAll(".timeline-entry").Single(e => e.GetAttribute("data-type") == "RUN_RESUMED").TextContent;
        Assert.Contains("approved by admin@bookstore.com", decision);
        Assert.Contains("“go”", decision);
        Assert.Contains("completed", inline.QuerySelector("[data-testid=status-chip]")!.TextContent);
    }

    private static RunView View(Guid id, Guid? parent, params RunEvent[] events)
    {
        var entries = events.Select((e, i) => new JournalEntry(Guid.NewGuid(), id, i + 1, Now.AddSeconds(i), e)).ToList();
        var state = RunFold.Replay(id, entries);
        return new RunView(RunFold.Summary(state), [.. state.Events], RunFold.PendingApproval(state), [.. state.ChildRunIds]);
    }
}
