using System.Text.Json;
using AgentOps.Agents;
using AgentOps.Journal;
using AgentOps.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace AgentOps.Tests.Agents;

/// <summary>The IChatClient planner path, driven by a scripted fake model, on its own one-silo cluster.</summary>
[Collection(LlmClusterCollection.Name)]
public sealed class ChatClientPlannerTests(LlmClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Malformed_model_output_becomes_an_error_result_the_model_sees_and_recovers_from()
    {
        var scenario = new Scenario(Grains);
        var book = await scenario.BookAsync();
        var warehouse = await scenario.WarehouseAsync("llm", (book.Id, 7));
        var marker = $"llm-{Guid.NewGuid():N}";
        ScriptedChatClient.Shared.Script(marker, toolResults => toolResults switch
        {
            0 => ScriptedChatClient.Malformed("set_stock"),
            1 => ScriptedChatClient.Call("set_stock", new Dictionary<string, object?> { ["warehouse"] = warehouse, ["book_id"] = book.Id.ToString(), ["quantity"] = 9 },
                "The arguments were broken; trying again."),
            _ => ScriptedChatClient.Text("Stock set to 9."),
        });

        var run = await Runs.StartAsync(Grains, $"{marker}: set the stock to 9", "inventory");
        var suspended = await Runs.WaitForAsync(Grains, run, RunStatus.Suspended);
        Assert.Equal(9, JsonDocument.Parse(suspended.PendingTool!.Args).RootElement.GetProperty("quantity").GetInt32());
        Assert.Null((await Grains.GetGrain<IAgentRunGrain>(run).DecideAsync(new RunDecision(ApprovalDecision.Approved, "admin@bookstore.com"))).Error);

        var view = await Runs.WaitForAsync(Grains, run, RunStatus.Completed);
        Assert.Equal(["RUN_STARTED", "TOOL_PROPOSED", "TOOL_RESULT", "AGENT_THOUGHT", "TOOL_PROPOSED", "RUN_SUSPENDED", "RUN_RESUMED", "TOOL_RESULT", "RUN_COMPLETED"],
            Runs.Types(view));
        var firstResult = view.Events.Select(e => e.Event).OfType<ToolResult>().First();
        Assert.Equal(ToolResultStatus.Error, firstResult.Status);
        Assert.Contains("arguments are not valid JSON", firstResult.OutputData);
        Assert.Equal("Stock set to 9.", view.Run.Summary);
        Assert.Equal(9, await Scenario.StockAsync(Grains, warehouse, book.Id));

        // The model was shown the error, then the successful result, as tool messages with its calls.
        var last = ScriptedChatClient.Shared.Conversations.Last(c => c.Any(m => m.Text.Contains(marker, StringComparison.Ordinal)));
        var results = last.Where(m => m.Role == ChatRole.Tool).SelectMany(m => m.Contents).OfType<FunctionResultContent>().ToList();
        Assert.Equal(2, results.Count);
        Assert.Contains("arguments are not valid JSON", results[0].Result!.ToString());
        Assert.Contains("\"quantity\":9", results[1].Result!.ToString());
    }

    [Fact]
    public async Task An_approval_nobody_gives_expires_and_the_tool_does_not_run()
    {
        var scenario = new Scenario(Grains);
        var book = await scenario.BookAsync();
        var warehouse = await scenario.WarehouseAsync("exp", (book.Id, 7));
        var marker = $"expire-{Guid.NewGuid():N}";
        ScriptedChatClient.Shared.Script(marker, toolResults => toolResults == 0
            ? ScriptedChatClient.Call("set_stock", new Dictionary<string, object?> { ["warehouse"] = warehouse, ["book_id"] = book.Id.ToString(), ["quantity"] = 1 })
            : ScriptedChatClient.Text("Nothing was changed: the approval expired."));

        var run = await Runs.StartAsync(Grains, $"{marker}: set the stock to 1", "inventory");
        var suspended = await Runs.WaitForAsync(Grains, run, RunStatus.Suspended);
        var expiresAt = suspended.PendingTool!.ExpiresAt;
        Assert.InRange(expiresAt - suspended.PendingTool.ProposedAt, LlmClusterFixture.ApprovalTimeout - TimeSpan.FromSeconds(1), LlmClusterFixture.ApprovalTimeout + TimeSpan.FromSeconds(1));

        var view = await Runs.WaitForAsync(Grains, run, RunStatus.Completed);
        var resumed = Runs.Single<RunResumed>(view);
        Assert.Equal(ApprovalDecision.Expired, resumed.Decision);
        Assert.True(view.Events.Single(e => e.Event is RunResumed).CreatedAt >= expiresAt);
        Assert.StartsWith("expired:", JsonDocument.Parse(view.Events.Select(e => e.Event).OfType<ToolResult>().Single().OutputData).RootElement.GetProperty("error").GetString());
        Assert.Equal(7, await Scenario.StockAsync(Grains, warehouse, book.Id));

        var late = await Grains.GetGrain<IAgentRunGrain>(run).DecideAsync(new RunDecision(ApprovalDecision.Approved, "admin@bookstore.com", CallId: resumed.CallId));
        Assert.Equal("state.conflict", late.Error!.Code);
    }

    [Fact]
    public async Task A_model_that_keeps_failing_ends_the_run_as_failed()
    {
        var marker = $"broken-{Guid.NewGuid():N}";
        ScriptedChatClient.Shared.Script(marker, _ => ScriptedChatClient.Call("drop_database", new Dictionary<string, object?>()));

        var run = await Runs.StartAsync(Grains, $"{marker}: do something", "inventory");

        var view = await Runs.WaitForAsync(Grains, run, RunStatus.Failed);
        Assert.Equal(3, view.Events.Select(e => e.Event).OfType<ToolResult>().Count(r => r.Status == ToolResultStatus.Error));
        Assert.Contains("'drop_database' is not a tool of the inventory agent.", view.Events.Select(e => e.Event).OfType<ToolResult>().First().OutputData);
        Assert.True(Runs.Single<SystemError>(view).Fatal);
        Assert.Equal("The run stopped after 3 errors in a row.", view.Run.Summary);
    }
}
