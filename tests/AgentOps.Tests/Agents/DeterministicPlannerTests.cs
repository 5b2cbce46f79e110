using System.Text.Json;
using AgentOps.Agents;
using AgentOps.Agents.Specialists;

namespace AgentOps.Tests.Agents;

public sealed class DeterministicPlannerTests
{
    private static readonly IAgent[] Specialists = [new WarehouseOpsAgent(), new InventoryAgent(), new FulfillmentAgent(), new LogAnalyzerAgent()];

    [Theory]
    [InlineData("Warehouse beta is offline. Investigate and bring it back online.", "warehouse-ops")]
    [InlineData("reconcile inventory", "inventory")]
    [InlineData("order 6f1c2b8e-0c1f-4f51-9d8e-3c1a1b2c3d4e failed, retry it", "fulfillment")]
    [InlineData("set stock of The Hobbit at alpha to 50", "inventory")]
    [InlineData("why are orders failing?", "log-analyzer")]
    public void The_orchestrator_routes_the_ops_tasks_to_their_specialists(string task, string expected)
    {
        var decision = Assert.IsType<CallTool>(new OrchestratorAgent().Plan(Context(task)));
        Assert.Equal("delegate_to_agent", decision.ToolName);
        Assert.Equal(expected, Json(decision.Args).GetProperty("agent_type").GetString());
        Assert.Equal(task, Json(decision.Args).GetProperty("task").GetString());
    }

    [Fact]
    public void A_task_no_specialist_claims_goes_to_the_log_analyzer() =>
        Assert.Equal("log-analyzer", Json(Assert.IsType<CallTool>(new OrchestratorAgent().Plan(Context("hello there"))).Args).GetProperty("agent_type").GetString());

    [Fact]
    public void The_orchestrator_reports_its_childs_outcome()
    {
        var context = Context("reconcile inventory",
            Step("delegate_to_agent", """{"agent_type":"inventory","task":"reconcile inventory"}""", """{"child_run_id":"x","status":"completed","summary":"No drift."}"""));
        Assert.Equal("inventory finished: No drift.", Assert.IsType<Finish>(new OrchestratorAgent().Plan(context)).Summary);
    }

    [Fact]
    public void Warehouse_ops_investigates_then_proposes_a_restart_then_verifies()
    {
        var agent = new WarehouseOpsAgent();
        const string task = "Warehouse beta is offline. Investigate and bring it back online.";
        const string offline = """{"warehouses":[{"name":"alpha","status":"HEALTHY"},{"name":"beta","status":"OFFLINE","last_error":"Warehouse beta is offline.","fault":{"kind":"OFFLINE"}}]}""";
        const string healthy = """{"warehouses":[{"name":"alpha","status":"HEALTHY"},{"name":"beta","status":"HEALTHY","last_seen":"2026-11-22T12:00:00Z"}]}""";

        Assert.Equal("list_warehouses", Assert.IsType<CallTool>(agent.Plan(Context(task))).ToolName);

        var survey = Step("list_warehouses", "{}", offline);
        var events = Assert.IsType<CallTool>(agent.Plan(Context(task, survey)));
        Assert.Equal("query_ops_events", events.ToolName);
        Assert.Equal("beta", Json(events.Args).GetProperty("warehouse").GetString());

        var evidence = Step("query_ops_events", events.Args, """{"events":[]}""");
        var restart = Assert.IsType<CallTool>(agent.Plan(Context(task, survey, evidence)));
        Assert.Equal("restart_warehouse", restart.ToolName);
        Assert.Equal("""{"name":"beta"}""", restart.Args);
        Assert.Contains("OFFLINE", restart.Thought);

        var restarted = Step("restart_warehouse", restart.Args, """{"warehouse":"beta","fault_cleared":true,"status":"HEALTHY"}""");
        Assert.Equal("list_warehouses", Assert.IsType<CallTool>(agent.Plan(Context(task, survey, evidence, restarted))).ToolName);

        var finish = Assert.IsType<Finish>(agent.Plan(Context(task, survey, evidence, restarted, Step("list_warehouses", "{}", healthy))));
        Assert.Equal("Warehouse beta is back online: HEALTHY, last seen 2026-11-22T12:00:00Z.", finish.Summary);
    }

    [Fact]
    public void Warehouse_ops_accepts_a_rejection_and_says_what_is_left_broken()
    {
        const string task = "Warehouse beta is offline. Investigate and bring it back online.";
        var finish = Assert.IsType<Finish>(new WarehouseOpsAgent().Plan(Context(task,
            Step("list_warehouses", "{}", """{"warehouses":[{"name":"beta","status":"OFFLINE"}]}"""),
            Step("query_ops_events", "{}", """{"events":[]}"""),
            Step("restart_warehouse", """{"name":"beta"}""", """{"error":"rejected: not during the sale"}""", ApprovalDecision.Rejected, "not during the sale"))));
        Assert.Equal("Warehouse beta was not restarted (rejected by an approver: not during the sale); it is still OFFLINE.", finish.Summary);
    }

    [Fact]
    public void Warehouse_ops_does_nothing_when_the_warehouse_is_healthy()
    {
        var finish = Assert.IsType<Finish>(new WarehouseOpsAgent().Plan(Context("Is warehouse alpha down?",
            Step("list_warehouses", "{}", """{"warehouses":[{"name":"alpha","status":"HEALTHY"}]}"""))));
        Assert.Equal("alpha is HEALTHY with no fault; nothing to repair.", finish.Summary);
    }

    [Fact]
    public void Inventory_finds_the_book_then_proposes_the_stock_level()
    {
        var agent = new InventoryAgent();
        const string task = "Set stock of The Hobbit at alpha to 50";
        var search = Assert.IsType<CallTool>(agent.Plan(Context(task)));
        Assert.Equal("search_books", search.ToolName);
        Assert.Equal("The Hobbit", Json(search.Args).GetProperty("query").GetString());

        var found = Step("search_books", search.Args, """{"books":[{"book_id":"994d771f-f9bc-5cf3-8144-726d67892951","title":"The Hobbit"}]}""");
        var set = Assert.IsType<CallTool>(agent.Plan(Context(task, found)));
        Assert.Equal("set_stock", set.ToolName);
        Assert.Equal("""{"warehouse":"alpha","book_id":"994d771f-f9bc-5cf3-8144-726d67892951","quantity":50}""", set.Args);

        var done = Step("set_stock", set.Args, """{"warehouse":"alpha","quantity":50,"previous_quantity":97}""");
        Assert.Equal("The stock of \"The Hobbit\" at alpha is now 50 (was 97).", Assert.IsType<Finish>(agent.Plan(Context(task, found, done))).Summary);
    }

    [Fact]
    public void Inventory_reconciles_and_reports_drift()
    {
        var agent = new InventoryAgent();
        Assert.Equal("reconcile_inventory", Assert.IsType<CallTool>(agent.Plan(Context("reconcile inventory"))).ToolName);
        var finish = Assert.IsType<Finish>(agent.Plan(Context("reconcile inventory", Step("reconcile_inventory", "{}",
            """{"warehouses":["alpha"],"skipped":["beta"],"lines_checked":10,"drifts":[{"book_id":"b1","warehouse":"alpha","cached":5,"actual":7}]}"""))));
        Assert.Equal("Reconciled 10 stock lines in alpha; 1 drift found and corrected in the cache: alpha book b1 cached 5 actual 7. Skipped (not HEALTHY): beta.", finish.Summary);
    }

    [Fact]
    public void Fulfillment_retries_a_failed_order_and_leaves_others_alone()
    {
        var agent = new FulfillmentAgent();
        const string id = "6f1c2b8e-0c1f-4f51-9d8e-3c1a1b2c3d4e";
        var task = $"Order {id} failed, retry it";
        Assert.Equal("get_order", Assert.IsType<CallTool>(agent.Plan(Context(task))).ToolName);

        var failed = Step("get_order", "{}", """{"status":"FAILED","failure_reason":"No HEALTHY warehouse is available."}""");
        var retry = Assert.IsType<CallTool>(agent.Plan(Context(task, failed)));
        Assert.Equal("retry_order", retry.ToolName);
        Assert.Equal($$"""{"order_id":"{{id}}"}""", retry.Args);

        var shipped = Step("get_order", "{}", """{"status":"SHIPPED"}""");
        Assert.Equal($"Order {id} is SHIPPED; only a FAILED order can be retried, so nothing was done.",
            Assert.IsType<Finish>(agent.Plan(Context(task, shipped))).Summary);
    }

    [Fact]
    public void The_log_analyzer_returns_a_structured_report()
    {
        var agent = new LogAnalyzerAgent();
        const string task = "why are orders failing?";
        var events = Step("query_ops_events", "{}",
            """{"events":[{"kind":"order_failed","message":"Order 1 failed: No HEALTHY warehouse is available.","time":"2026-11-22T12:00:00Z"}]}""");
        Assert.Equal("list_warehouses", Assert.IsType<CallTool>(agent.Plan(Context(task, events))).ToolName);
        var finish = Assert.IsType<Finish>(agent.Plan(Context(task, events,
            Step("list_warehouses", "{}", """{"warehouses":[{"name":"beta","status":"OFFLINE","last_error":"timeout","last_seen":null}]}"""))));

        var report = Json(finish.Report!);
        Assert.True(report.GetProperty("success").GetBoolean());
        Assert.Equal(finish.Summary, report.GetProperty("summary").GetString());
        var findings = report.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(2, findings.Count);
        Assert.Equal("Warehouse beta is OFFLINE", findings[0].GetProperty("title").GetString());
        Assert.Equal("timeout", findings[0].GetProperty("evidence").GetString());
        Assert.All(findings, f => Assert.All(new[] { "severity", "title", "description", "evidence", "recommendation" }, p => Assert.True(f.TryGetProperty(p, out _))));
    }

    private static AgentContext Context(string prompt, params ToolStep[] steps) => new(Guid.NewGuid(), prompt, steps, Specialists);

    private static ToolStep Step(string tool, string args, string output, ApprovalDecision? decision = null, string? feedback = null) =>
        new($"call_{Guid.NewGuid():N}", tool, args, Decision: decision, Feedback: feedback, Output: output,
            Status: output.Contains("\"error\"", StringComparison.Ordinal) ? AgentOps.Agents.ToolResultStatus.Error : AgentOps.Agents.ToolResultStatus.Success);

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
