using System.Text.Json;
using AgentOps.Agents;
using AgentOps.Agents.Specialists;
using AgentOps.Agents.Tools;

namespace AgentOps.Tests.Agents;

public sealed class ToolSchemaTests
{
    private static readonly SetStockTool SetStock = new();

    [Fact]
    public void Valid_arguments_have_no_problems() =>
        Assert.Empty(Validate(SetStock, """{"warehouse":"alpha","book_id":"994d771f-f9bc-5cf3-8144-726d67892951","quantity":50}"""));

    [Theory]
    [InlineData("""{"warehouse":"alpha","book_id":"994d771f-f9bc-5cf3-8144-726d67892951"}""", "$.quantity: is required")]
    [InlineData("""{"warehouse":"alpha","book_id":"not-a-uuid","quantity":5}""", "$.book_id: must be a UUID")]
    [InlineData("""{"warehouse":"alpha","book_id":"994d771f-f9bc-5cf3-8144-726d67892951","quantity":-1}""", "$.quantity: must be ≥ 0")]
    [InlineData("""{"warehouse":"alpha","book_id":"994d771f-f9bc-5cf3-8144-726d67892951","quantity":2.5}""", "$.quantity: expected integer")]
    [InlineData("""{"warehouse":"alpha","book_id":"994d771f-f9bc-5cf3-8144-726d67892951","quantity":"5"}""", "$.quantity: expected integer")]
    [InlineData("""{"warehouse":"alpha","book_id":"994d771f-f9bc-5cf3-8144-726d67892951","quantity":5,"force":true}""", "$.force: is not an argument of this tool")]
    [InlineData("""{"warehouse":"","book_id":"994d771f-f9bc-5cf3-8144-726d67892951","quantity":5}""", "$.warehouse: does not match the pattern ^[a-z0-9][a-z0-9-]{0,62}$")]
    [InlineData("""{"warehouse":"Alpha","book_id":"994d771f-f9bc-5cf3-8144-726d67892951","quantity":5}""", "$.warehouse: does not match the pattern ^[a-z0-9][a-z0-9-]{0,62}$")]
    public void Invalid_arguments_are_reported_with_their_path(string args, string problem) =>
        Assert.Contains(problem, Validate(SetStock, args));

    [Fact]
    public void Every_problem_is_reported_at_once() =>
        Assert.Equal(3, Validate(SetStock, """{"book_id":"x","quantity":-5}""").Count);

    [Fact]
    public void Enumerations_are_enforced() =>
        Assert.Equal(["$.status: must be one of \"PENDING\", \"SHIPPED\", \"FAILED\", \"CANCELLED\""], Validate(new ListOrdersTool(), """{"status":"LOST"}"""));

    [Fact]
    public void The_delegation_tool_offers_exactly_the_specialists()
    {
        IAgent[] agents = [new OrchestratorAgent(), new WarehouseOpsAgent(), new InventoryAgent(), new FulfillmentAgent(), new LogAnalyzerAgent()];
        var tool = new DelegateToAgentTool(agents);
        var allowed = tool.Schema.GetProperty("properties").GetProperty("agent_type").GetProperty("enum").EnumerateArray().Select(e => e.GetString());
        Assert.Equal(["warehouse-ops", "inventory", "fulfillment", "log-analyzer"], allowed);
        Assert.Equal(RiskClass.Delegation, tool.Risk);
    }

    [Fact]
    public void Dangerous_tools_are_exactly_the_ones_that_change_the_store()
    {
        IAgentTool[] tools = [new ListWarehousesTool(), new GetWarehouseTool(), new GetWarehouseStockTool(), new GetBookInventoryTool(),
            new ListOrdersTool(), new GetOrderTool(), new SearchBooksTool(), new QueryOpsEventsTool(), new ReconcileInventoryTool(),
            new RestartWarehouseTool(), new SetStockTool(), new RetryOrderTool(), new CancelOrderTool(), new ChangePriceTool(), new DeactivateBookTool()];
        Assert.Equal(["restart_warehouse", "set_stock", "retry_order", "cancel_order", "change_price", "deactivate_book"],
            tools.Where(t => t.Risk == RiskClass.Dangerous).Select(t => t.Name));
        // Every schema is a closed object, so a planner cannot smuggle in arguments.
        Assert.All(tools, t => Assert.False(t.Schema.GetProperty("additionalProperties").GetBoolean()));
    }

    private static List<string> Validate(IAgentTool tool, string args)
    {
        using var document = JsonDocument.Parse(args);
        return [.. AgentOps.Governance.ArgsRules.Problems(AgentOps.Governance.ArgsRules.Compile(tool.Schema.GetRawText()), document.RootElement)];
    }
}
