namespace AgentOps.Agents.Tools;

/// <summary>Every tool by name; agents name the subset they may use.</summary>
public sealed class ToolRegistry(IEnumerable<IAgentTool> tools)
{
    private readonly Dictionary<string, IAgentTool> _tools = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public IAgentTool? Find(string name) => _tools.GetValueOrDefault(name);

    public IReadOnlyList<IAgentTool> For(IAgent agent) => [.. agent.ToolNames.Select(n => _tools[n])];

    public IEnumerable<IAgentTool> All => _tools.Values;
}
