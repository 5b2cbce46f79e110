using System.Text.Json;
using AgentOps.Agents.Tools;
using AgentOps.Users;

namespace AgentOps.Agents.Specialists;

/// <summary>Routes a task to the specialist that declares it can handle it, as a child run, and reports back.</summary>
public sealed class OrchestratorAgent : IAgent
{
    public const string AgentType = "orchestrator";

    /// <summary>Where tasks that match no specialist go: someone should at least look.</summary>
    public const string FallbackAgent = LogAnalyzerAgent.AgentType;

    public string Type => AgentType;

    public string Description => "Routes a task to the specialist agent best suited to it and reports the outcome.";

    public IReadOnlyList<string> Capabilities => [];

    public IReadOnlyList<string> ToolNames => [DelegateToAgentTool.ToolName];

    // Anyone may ask; it delegates only to specialists the requester may start.

    public IReadOnlyCollection<UserRole> AllowedRoles => [UserRole.Customer, UserRole.WarehouseStaff, UserRole.StoreAdmin];

    public AgentDecision Plan(AgentContext context)
    {
        if (context.Last(DelegateToAgentTool.ToolName) is not { } delegation)
        {
            var route = AgentRouter.Choose(context.Prompt, context.Specialists);
            var target = route?.Agent.Type ?? FallbackAgent;
            var why = route is null
                ? $"No specialist declares this kind of task; asking {target} to investigate."
                : $"Routing to {target}: the task mentions {string.Join(", ", route.Matched.Select(m => $"'{m}'"))}.";
            return new CallTool(why, DelegateToAgentTool.ToolName,
                JsonSerializer.Serialize(new { agent_type = target, task = context.Prompt }));
        }

        var output = delegation.OutputJson();
        var agent = delegation.ArgsJson().TryGetProperty("agent_type", out var a) ? a.GetString() : "the specialist";
        var summary = output.TryGetProperty("summary", out var s) ? s.GetString() : delegation.FailureReason();
        return delegation.Succeeded
            ? new Finish(null, $"{agent} finished: {summary}")
            : new Finish(null, $"{agent} did not succeed: {summary}");
    }
}
