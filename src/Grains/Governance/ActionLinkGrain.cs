using AgentOps.Agents;
using AgentOps.Hosting;

namespace AgentOps.Governance;

[GenerateSerializer, Alias("AgentOps.ActionLinkState")]
public sealed class ActionLinkState
{
    [Id(0)] public bool Used { get; set; }
    [Id(1)] public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>A signed link's single use, durable: the mark is stored before the answer goes back.</summary>
public sealed class ActionLinkGrain(
    [PersistentState("actionLink", StorageNames.Store)] IPersistentState<ActionLinkState> state, TimeProvider clock)
    : Grain, IActionLinkGrain
{
    public Task<bool> IsUsedAsync() => Task.FromResult(state.State.Used);

    public async Task<ActionLinkOutcome> UseAsync(Guid runId, RunDecision decision)
    {
        if (state.State.Used) return new ActionLinkOutcome(true, null);
        var result = await GrainFactory.GetGrain<IAgentRunGrain>(runId).DecideAsync(decision);
        // A refused decision (a stale call, a missing right) leaves the link usable: nothing happened through it.
        if (result.Error is null)
        {
            state.State.Used = true;
            state.State.UsedAt = clock.GetUtcNow();
            await state.WriteStateAsync();
        }
        return new ActionLinkOutcome(false, result);
    }
}
