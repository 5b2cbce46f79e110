using AgentOps.Agents;

namespace AgentOps.Journal;

/// <summary>TOOL_RESULT {call_id, output_data, status}. <paramref name="OutputData"/> is JSON.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.ToolResult")]
public sealed record ToolResult(
    [property: Id(0)] string CallId,
    [property: Id(1)] string OutputData,
    [property: Id(2)] ToolResultStatus Status) : RunEvent;
