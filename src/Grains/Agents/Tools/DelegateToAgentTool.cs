using System.Text.Json;
using AgentOps.Users;

namespace AgentOps.Agents.Tools;

/// <summary>
/// Starts a child run of a specialist agent; the calling run suspends until the child ends and receives its
/// summary as the result. The run grain carries out this tool itself (it journals CHILD_RUN_STARTED and waits),
/// so <see cref="ExecuteAsync"/> is never the path taken.
/// </summary>
public sealed class DelegateToAgentTool(IEnumerable<IAgent> agents) : AgentTool
{
    public const string ToolName = "delegate_to_agent";

    public override string Name => ToolName;

    public override string Description =>
        "Hands a task to a specialist agent as a child run and waits for its summary. Specialists: " +
        string.Join("; ", Specialists.Select(a => $"{a.Type}: {a.Description}"));

    public override RiskClass Risk => RiskClass.Delegation;

    protected override string SchemaJson => $$$"""
        {"type":"object","properties":{
           "agent_type":{"type":"string","enum":[{{{string.Join(",", Specialists.Select(a => $"\"{a.Type}\""))}}}]},
           "task":{"type":"string","minLength":1,"maxLength":4000}},
         "required":["agent_type","task"],"additionalProperties":false}
        """;

    /// <summary>Only to an agent the requester may start themselves.</summary>
    public override bool MayUse(Requester? requester, JsonElement args) =>
        agents.FirstOrDefault(a => a.Type == Text(args, "agent_type")) is { } agent && AccessRules.MayRunAgent(requester, agent.AllowedRoles);

    private IEnumerable<IAgent> Specialists => agents.Where(a => !a.ToolNames.Contains(ToolName));

    public override Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("Delegation is carried out by the run grain, which starts and awaits the child run.");
}
