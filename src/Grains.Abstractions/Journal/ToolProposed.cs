using AgentOps.Agents;

namespace AgentOps.Journal;

/// <summary>TOOL_PROPOSED {tool_name, args, call_id}. <paramref name="Args"/> is the JSON the planner produced.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.ToolProposed")]
public sealed record ToolProposed(
    [property: Id(0)] string ToolName,
    [property: Id(1)] string Args,
    [property: Id(2)] string CallId,
    [property: Id(3)] RiskClass Risk) : RunEvent;
