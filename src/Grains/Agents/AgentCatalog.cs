using AgentOps.Agents.Specialists;

namespace AgentOps.Agents;

/// <summary>The registered agents by type; the orchestrator routes among the others.</summary>
public sealed class AgentCatalog(IEnumerable<IAgent> agents)
{
    private readonly Dictionary<string, IAgent> _agents = agents.ToDictionary(a => a.Type, StringComparer.Ordinal);

    public IAgent? Find(string type) => _agents.GetValueOrDefault(type);

    public IReadOnlyList<IAgent> All => [.. _agents.Values];

    /// <summary>Agents a task can be delegated to: every agent but the orchestrator.</summary>
    public IReadOnlyList<IAgent> Specialists => [.. _agents.Values.Where(a => a.Type != OrchestratorAgent.AgentType)];
}
