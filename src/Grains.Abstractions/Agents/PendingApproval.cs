using System.Collections.Immutable;

namespace AgentOps.Agents;

/// <summary>One person's approval of a call that needs more than one.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.ApprovalVote")]
public sealed record ApprovalVote([property: Id(0)] string By, [property: Id(1)] DateTimeOffset At);

/// <summary>A dangerous tool call waiting for a person, as shown in the approvals inbox.</summary>
/// <param name="Args">The arguments the call would run with now: as proposed, or as an approver edited them.</param>
/// <param name="Needed">Distinct approvals the call needs; <paramref name="Given"/> holds those given so far.</param>
/// <param name="EscalateAt">When the call escalates next (the response deadline); null without a respond_within.</param>
/// <param name="PolicyId">The policy that required approval; null when no policy matched (the default rule).</param>
[GenerateSerializer, Immutable, Alias("AgentOps.PendingApproval")]
public sealed record PendingApproval(
    [property: Id(0)] Guid RunId,
    [property: Id(1)] Guid RootRunId,
    [property: Id(2)] string AgentType,
    [property: Id(3)] string CallId,
    [property: Id(4)] string ToolName,
    [property: Id(5)] string Args,
    [property: Id(6)] RiskClass Risk,
    [property: Id(7)] DateTimeOffset ProposedAt,
    [property: Id(8)] DateTimeOffset ExpiresAt,
    [property: Id(9)] string Prompt,
    [property: Id(10)] string UserId,
    [property: Id(11)] int Needed = 1,
    [property: Id(12)] ImmutableArray<ApprovalVote> Given = default,
    [property: Id(13)] int EscalationLevel = 0,
    [property: Id(14)] DateTimeOffset? EscalateAt = null,
    [property: Id(15)] Guid? PolicyId = null,
    [property: Id(16)] string? Explanation = null,
    [property: Id(17)] string? RequestedBy = null,
    [property: Id(18)] ImmutableArray<string> Roles = default)
{
    // Arrays compare by reference; two views of the same pending call (one read back from storage) compare by content.
    public bool Equals(PendingApproval? other) =>
        other is not null && RunId == other.RunId && RootRunId == other.RootRunId && AgentType == other.AgentType && CallId == other.CallId
        && ToolName == other.ToolName && Args == other.Args && Risk == other.Risk && ProposedAt == other.ProposedAt && ExpiresAt == other.ExpiresAt
        && Prompt == other.Prompt && UserId == other.UserId && Needed == other.Needed && EscalationLevel == other.EscalationLevel
        && EscalateAt == other.EscalateAt && PolicyId == other.PolicyId && Explanation == other.Explanation && RequestedBy == other.RequestedBy
        && (Given.IsDefault ? [] : Given).SequenceEqual(other.Given.IsDefault ? [] : other.Given)
        && (Roles.IsDefault ? [] : Roles).SequenceEqual(other.Roles.IsDefault ? [] : other.Roles);

    public override int GetHashCode() => HashCode.Combine(RunId, CallId, ToolName, Args, EscalationLevel, Given.IsDefault ? 0 : Given.Length);
}
