using System.Text.Json;
using AgentOps.Journal;
using AgentOps.Users;

namespace AgentOps.Agents;

/// <summary>
/// An agent: what it is for, the words of tasks it handles (used for routing), the tools it may use, and its
/// built-in deterministic planner. Adding an agent is one class implementing this plus one registration.
/// </summary>
public interface IAgent
{
    string Type { get; }

    string Description { get; }

    /// <summary>Words that, found in a task, route it to this agent.</summary>
    IReadOnlyList<string> Capabilities { get; }

    IReadOnlyList<string> ToolNames { get; }

    /// <summary>The roles whose users may start this agent (checked by <see cref="AccessRules.MayRunAgent"/>).</summary>
    IReadOnlyCollection<UserRole> AllowedRoles { get; }

    /// <summary>The built-in planner: the next step, given the task and every step so far.</summary>
    AgentDecision Plan(AgentContext context);
}

/// <summary>What a planner sees: the task, the calls made so far with their outcomes, and the other agents.</summary>
public sealed record AgentContext(Guid RunId, string Prompt, IReadOnlyList<ToolStep> Steps, IReadOnlyList<IAgent> Specialists)
{
    public ToolStep? Last(string toolName) => Steps.LastOrDefault(s => s.ToolName == toolName);

    public IEnumerable<ToolStep> All(string toolName) => Steps.Where(s => s.ToolName == toolName);

    /// <summary>Builds the context from a run's journal.</summary>
    public static AgentContext From(RunState state, IReadOnlyList<IAgent> specialists)
    {
        var steps = new List<ToolStep>();
        var byCall = new Dictionary<string, int>();
        var thought = (string?)null;
        foreach (var entry in state.Events)
        {
            switch (entry.Event)
            {
                case AgentThought t:
                    thought = t.TextContent;
                    break;
                case ToolProposed p:
                    byCall[p.CallId] = steps.Count;
                    steps.Add(new ToolStep(p.CallId, p.ToolName, p.Args, thought));
                    thought = null;
                    break;
                case RunResumed r when byCall.TryGetValue(r.CallId, out var i):
                    steps[i] = steps[i] with { Decision = r.Decision, Feedback = r.Feedback, ApprovedArgs = r.ApprovedArgs };
                    break;
                case ToolResult r when byCall.TryGetValue(r.CallId, out var i):
                    steps[i] = steps[i] with { Output = r.OutputData, Status = r.Status };
                    break;
            }
        }
        return new AgentContext(state.Id, state.Prompt, steps, specialists);
    }
}

/// <summary>One tool call of a run and, once known, its outcome.</summary>
public sealed record ToolStep(
    string CallId, string ToolName, string Args, string? Thought = null,
    ApprovalDecision? Decision = null, string? Feedback = null, string? ApprovedArgs = null,
    string? Output = null, ToolResultStatus? Status = null)
{
    public bool Succeeded => Status == ToolResultStatus.Success;

    public string EffectiveArgs => ApprovedArgs ?? Args;

    /// <summary>The output as JSON (an empty object when there is none or it is not JSON).</summary>
    public JsonElement OutputJson() => ParseOrEmpty(Output);

    /// <summary>The arguments the tool ran with, as JSON (an empty object when they were not JSON).</summary>
    public JsonElement ArgsJson() => ParseOrEmpty(EffectiveArgs);

    private static JsonElement ParseOrEmpty(string? json)
    {
        try
        {
            return JsonDocument.Parse(json ?? "{}").RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonDocument.Parse("{}").RootElement.Clone();
        }
    }

    /// <summary>Why the call failed: the person's feedback, expiry, or the tool's error message.</summary>
    public string FailureReason()
    {
        if (Decision == ApprovalDecision.Rejected) return $"rejected by an approver{(string.IsNullOrWhiteSpace(Feedback) ? "" : $": {Feedback}")}";
        if (Decision == ApprovalDecision.Expired) return "the approval expired before anyone decided";
        var output = OutputJson();
        return output.ValueKind == JsonValueKind.Object && output.TryGetProperty("error", out var e) ? e.ToString() : "failed";
    }
}

/// <summary>A planner's next step: call a tool, or finish with a summary (and a structured report).</summary>
public abstract record AgentDecision(string? Thought);

public sealed record CallTool(string? Thought, string ToolName, string Args) : AgentDecision(Thought);

public sealed record Finish(string? Thought, string Summary, string? Report = null) : AgentDecision(Thought);
