using System.Text.Json;

namespace AgentOps.Agents.Tools;

/// <summary>
/// A dangerous tool whose effect depends on what it finds on its target (the stock it overwrites, the fault it clears).
/// The run records the observation with the proposal and observes again just before the tool runs: when they differ,
/// the approval was given for a world that no longer exists, so the call does nothing and is proposed again.
/// </summary>
public interface IPreconditionTool
{
    /// <summary>The target's relevant state as compact JSON; equal JSON text means unchanged.</summary>
    Task<string> ObserveAsync(JsonElement args, IGrainFactory grains);
}
