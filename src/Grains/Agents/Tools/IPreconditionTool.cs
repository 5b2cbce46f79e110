using System.Text.Json;

namespace AgentOps.Agents.Tools;

/// <summary>
/// A dangerous tool whose effect depends on what it finds on its target (the stock it overwrites, the fault it clears).
/// The run records the observation with the proposal; when the approved call runs, the tool compares it with what it
/// reads before acting (<see cref="ToolInvocation.Expects"/>) and, when they differ, does nothing and answers
/// <see cref="ToolOutcome.PreconditionChanged"/>: the approval was given for a world that no longer exists. Except
/// where acting would change nothing: <c>set_stock</c> finding the quantity it sets goes ahead.
/// </summary>
public interface IPreconditionTool
{
    /// <summary>The target's relevant state as compact JSON, which the tool reads back when the call runs.</summary>
    Task<string> ObserveAsync(JsonElement args, IGrainFactory grains);
}
