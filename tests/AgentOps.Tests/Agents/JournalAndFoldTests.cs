using System.Text.Json;
using AgentOps.Agents;
using AgentOps.Agents.Tools;
using AgentOps.Journal;

namespace AgentOps.Tests.Agents;

public sealed class JournalAndFoldTests
{
    private static readonly Guid Run = Guid.NewGuid();
    private static readonly Guid Child = Guid.NewGuid();
    private static readonly DateTimeOffset At = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<RunEvent> EveryEventType() =>
    [
        new RunStarted("Warehouse beta is offline.", "user-1", "warehouse-ops", Guid.NewGuid(), Guid.NewGuid(), "call_parent"),
        new AgentThought("Checking the warehouses first."),
        new ToolProposed("restart_warehouse", """{"name":"beta"}""", "call_1", RiskClass.Dangerous),
        new RunSuspended("Waiting for approval of restart_warehouse.", null, "call_1", At.AddHours(24)),
        new RunSuspended("Waiting for a child run.", Child, null, null),
        new RunResumed(ApprovalDecision.Approved, "go ahead", "call_1", "admin@bookstore.com", """{"name":"gamma"}"""),
        new ToolResult("call_1", """{"warehouse":"beta","fault_cleared":true}""", ToolResultStatus.Success),
        new RunCompleted("Warehouse beta is back online.", """{"success":true,"findings":[]}"""),
        new SystemError("The planner did not answer.", Fatal: false),
        new ChildRunStarted(Child, "inventory", "reconcile inventory", "call_2"),
        new ChildRunCompleted(Child, true, "No drift."),
        new RunCancelled("not needed", "admin@bookstore.com"),
    ];

    [Theory]
    [MemberData(nameof(EveryEventType))]
    public void Every_event_type_round_trips_through_its_journal_payload(RunEvent original)
    {
        var type = JournalCodec.TypeOf(original);
        using var payload = JsonDocument.Parse(JournalCodec.ToPayload(original).ToJsonString());

        var decoded = JournalCodec.FromPayload(type, payload.RootElement);

        Assert.Equal(Normalize(original), Normalize(decoded));
    }

    [Fact]
    public void Payloads_use_the_seed_field_names()
    {
        var proposed = JournalCodec.ToPayload(new ToolProposed("set_stock", """{"quantity":5}""", "call_9", RiskClass.Dangerous));
        Assert.Equal("set_stock", (string?)proposed["tool_name"]);
        Assert.Equal(5, (int)proposed["args"]!["quantity"]!);
        Assert.Equal("call_9", (string?)proposed["call_id"]);

        var result = JournalCodec.ToPayload(new ToolResult("call_9", """{"ok":true}""", ToolResultStatus.Error));
        Assert.Equal("error", (string?)result["status"]);
        Assert.True((bool)result["output_data"]!["ok"]!);

        Assert.Equal("rejected", (string?)JournalCodec.ToPayload(new RunResumed(ApprovalDecision.Rejected, "no", "c", "a", null))["decision"]);
        Assert.Equal("text", (string?)JournalCodec.ToPayload(new AgentThought("text"))["text_content"]);
        Assert.Equal(Child.ToString(), (string?)JournalCodec.ToPayload(new RunSuspended("r", Child, null, null))["blocked_by_child_run_id"]);
    }

    [Fact]
    public void Arguments_that_are_not_json_are_kept_as_text()
    {
        var payload = JournalCodec.ToPayload(new ToolProposed("set_stock", "{not json", "call_1", RiskClass.Safe));
        Assert.Equal("{not json", (string?)payload["args"]);
    }

    [Fact]
    public void A_dangerous_call_suspends_the_run_and_its_approval_runs_it()
    {
        var state = Fold(
            new RunStarted("p", "u", "inventory", null, Run, null),
            new AgentThought("t"),
            new ToolProposed("set_stock", "{}", "call_1", RiskClass.Dangerous),
            new RunSuspended("approval", null, "call_1", At.AddHours(1)));
        Assert.Equal(RunStatus.Suspended, state.Status);
        var pending = RunFold.PendingApproval(state);
        Assert.NotNull(pending);
        Assert.Equal("call_1", pending.CallId);
        Assert.Equal(At.AddHours(1), pending.ExpiresAt);

        RunFold.Apply(state, Entry(new RunResumed(ApprovalDecision.Approved, null, "call_1", "admin", """{"quantity":3}""")));
        Assert.Equal(RunStatus.Running, state.Status);
        Assert.Null(RunFold.PendingApproval(state));
        Assert.Equal("""{"quantity":3}""", state.Pending!.EffectiveArgs);

        RunFold.Apply(state, Entry(new ToolResult("call_1", "{}", ToolResultStatus.Success)));
        Assert.Null(state.Pending);
        Assert.Equal(1, state.Steps);
    }

    [Fact]
    public void A_rejection_does_not_count_as_a_tool_error_but_a_failing_tool_does()
    {
        var state = Fold(
            new RunStarted("p", "u", "inventory", null, Run, null),
            new ToolProposed("set_stock", "{}", "call_1", RiskClass.Dangerous),
            new RunSuspended("approval", null, "call_1", At),
            new RunResumed(ApprovalDecision.Rejected, "no", "call_1", "admin", null),
            new ToolResult("call_1", """{"error":"rejected: no"}""", ToolResultStatus.Error));
        Assert.Equal(0, state.ConsecutiveErrors);

        RunFold.Apply(state, Entry(new ToolProposed("get_order", "{}", "call_2", RiskClass.Safe)));
        RunFold.Apply(state, Entry(new ToolResult("call_2", """{"error":"boom"}""", ToolResultStatus.Error)));
        Assert.Equal(1, state.ConsecutiveErrors);
    }

    [Theory]
    [InlineData(RunStatus.Completed)]
    [InlineData(RunStatus.Failed)]
    [InlineData(RunStatus.Cancelled)]
    public void Nothing_changes_the_status_of_a_finished_run(RunStatus end)
    {
        RunEvent ending = end switch
        {
            RunStatus.Completed => new RunCompleted("done", null),
            RunStatus.Failed => new SystemError("fatal", Fatal: true),
            _ => new RunCancelled("stop", "admin"),
        };
        var state = Fold(new RunStarted("p", "u", "inventory", null, Run, null), ending, new AgentThought("late"),
            new ToolProposed("get_order", "{}", "call_1", RiskClass.Safe));
        Assert.Equal(end, state.Status);
        Assert.Null(state.Pending);
        Assert.Equal(4, state.Events.Count);
    }

    [Fact]
    public void Sequences_follow_the_journal_order()
    {
        var state = Fold(new RunStarted("p", "u", "inventory", null, Run, null), new AgentThought("a"), new AgentThought("b"));
        Assert.Equal([1, 2, 3], state.Events.Select(e => e.Sequence));
    }

    [Fact]
    public void A_failed_tool_output_is_readable_to_planners()
    {
        var outcome = ToolOutcome.Fail("Warehouse 'x' is not registered.");
        var step = new ToolStep("c", "get_warehouse", "{}", Output: outcome.Output, Status: ToolResultStatus.Error);
        Assert.Equal("Warehouse 'x' is not registered.", step.FailureReason());
        Assert.Equal("rejected by an approver: too risky", (step with { Decision = ApprovalDecision.Rejected, Feedback = "too risky" }).FailureReason());
    }

    private static RunState Fold(params RunEvent[] events) => RunFold.Replay(Run, events.Select(Entry));

    private static JournalEntry Entry(RunEvent e) => new(Guid.NewGuid(), Run, 0, At, e);

    private static string Normalize(RunEvent e) => JournalCodec.ToPayload(e).ToJsonString();
}
