using AgentOps.Agents;

namespace AgentOps.Journal;

/// <summary>TOOL_PROPOSED {tool_name, args, call_id, expects?}. <paramref name="Args"/> is the JSON the planner produced;
/// <paramref name="Expects"/> is what a dangerous tool found on its target when proposed (checked again before it runs).</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.ToolProposed")]
public sealed record ToolProposed(
    [property: Id(0)] string ToolName,
    [property: Id(1)] string Args,
    [property: Id(2)] string CallId,
    [property: Id(3)] RiskClass Risk,
    [property: Id(4)] string? Expects = null) : RunEvent;
