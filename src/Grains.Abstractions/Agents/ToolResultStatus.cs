namespace AgentOps.Agents;

[GenerateSerializer, Alias("AgentOps.ToolResultStatus")]
public enum ToolResultStatus
{
    Success = 0,
    Error = 1,
}
