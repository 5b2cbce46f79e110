using AgentOps.Agents;

namespace AgentOps.Governance;

/// <summary>
/// One signed approve/reject link (key = the link's nonce): it decides once. The decision and the "used" mark happen
/// in this one activation, so a double click or a replayed link cannot decide twice.
/// </summary>
[Alias("AgentOps.IActionLinkGrain")]
public interface IActionLinkGrain : IGrainWithGuidKey
{
    /// <summary>Whether the link was used already.</summary>
    [Alias("IsUsed"), ReadOnly]
    Task<bool> IsUsedAsync();

    /// <summary>Decides the call as the link's approver, unless the link was used; null error = decided now.</summary>
    [Alias("Use")]
    Task<ActionLinkOutcome> UseAsync(Guid runId, RunDecision decision);
}

/// <summary>What using a link did: <paramref name="AlreadyUsed"/>, or the run's answer to the decision.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.ActionLinkOutcome")]
public sealed record ActionLinkOutcome([property: Id(0)] bool AlreadyUsed, [property: Id(1)] RunCommandResult? Result);
