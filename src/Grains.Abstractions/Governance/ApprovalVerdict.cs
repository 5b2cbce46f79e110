using System.Collections.Immutable;
using AgentOps.Agents;

namespace AgentOps.Governance;

/// <summary>A dangerous call to be governed: what is asked, by which agent, for whom.</summary>
/// <param name="CallId">The call's id; a grant use is counted once per call id, however often it is asked.</param>
[GenerateSerializer, Immutable, Alias("AgentOps.ApprovalRequest")]
public sealed record ApprovalRequest(
    [property: Id(0)] string ToolName,
    [property: Id(1)] string Args,
    [property: Id(2)] string AgentType,
    [property: Id(3)] RiskClass Risk,
    [property: Id(4)] string? CallId = null,
    [property: Id(5)] Guid? RunId = null,
    [property: Id(6)] string? RequestedBy = null);

/// <summary>Who must approve a call that waits for people.</summary>
/// <param name="Needed">Distinct approvals needed.</param>
/// <param name="Roles">Any of these roles qualifies an approver.</param>
/// <param name="SeparateDuties">The run's requester may not approve its own call.</param>
/// <param name="PolicyId">The policy that required approval; null for the built-in default (no policy matched).</param>
[GenerateSerializer, Immutable, Alias("AgentOps.ApprovalRequirement")]
public sealed record ApprovalRequirement(
    [property: Id(0)] int Needed,
    [property: Id(1)] ImmutableArray<string> Roles,
    [property: Id(2)] bool SeparateDuties,
    [property: Id(3)] Guid? PolicyId,
    [property: Id(4)] string Explanation,
    [property: Id(5)] TimeSpan? RespondWithin = null);

/// <summary>The governance answer for a call: which effect, which rule decided it, and why.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.ApprovalVerdict")]
public sealed record ApprovalVerdict(
    [property: Id(0)] PolicyEffect Effect,
    [property: Id(1)] Guid? PolicyId,
    [property: Id(2)] Guid? GrantId,
    [property: Id(3)] string Explanation,
    [property: Id(4)] ApprovalRequirement? Requirement,
    [property: Id(5)] bool FailedClosed = false)
{
    /// <summary>Who decided, as the journal names it: <c>policy:&lt;id&gt;</c>, <c>grant:&lt;id&gt;</c> or null for people.</summary>
    public string? DecidedBy => GrantId is { } grant ? $"grant:{grant}" : Effect != PolicyEffect.Require && PolicyId is { } policy ? $"policy:{policy}" : null;
}
