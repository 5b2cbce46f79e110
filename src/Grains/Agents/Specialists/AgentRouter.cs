using System.Text.RegularExpressions;

namespace AgentOps.Agents.Specialists;

/// <summary>Routes a task to the specialist whose declared capabilities it mentions most (ties: first registered).</summary>
public static partial class AgentRouter
{
    public sealed record Route(IAgent Agent, IReadOnlyList<string> Matched);

    public static Route? Choose(string task, IReadOnlyList<IAgent> specialists)
    {
        var words = Words(task);
        return specialists
            .Select((agent, order) => (agent, order, matched: agent.Capabilities.Where(words.Contains).ToList()))
            .Where(x => x.matched.Count > 0)
            .OrderByDescending(x => x.matched.Count).ThenBy(x => x.order)
            .Select(x => new Route(x.agent, x.matched))
            .FirstOrDefault();
    }

    public static HashSet<string> Words(string text) =>
        [.. WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value)];

    [GeneratedRegex(@"[a-z0-9][a-z0-9\-]*")]
    private static partial Regex WordPattern();
}
