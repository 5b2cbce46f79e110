using System.Text.Json;

namespace AgentOps.Agents.Tools;

/// <summary>
/// A dangerous tool whose effect depends on what it finds on its target (the stock it overwrites, the fault it clears).
/// The run records the observation with the proposal; when the approved call runs, the tool compares it with what it
/// reads before acting (<see cref="ToolInvocation.Expects"/>) and, when they differ, does nothing and answers
/// <see cref="ToolOutcome.PreconditionChanged"/>: the approval was given for a world that no longer exists.
/// </summary>
public interface IPreconditionTool
{
    /// <summary>The target's relevant state as compact JSON; equal JSON text means unchanged.</summary>
    Task<string> ObserveAsync(JsonElement args, IGrainFactory grains);
}
