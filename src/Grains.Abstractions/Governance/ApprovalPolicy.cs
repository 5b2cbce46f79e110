using System.Collections.Immutable;
using AgentOps.Agents;

namespace AgentOps.Governance;

/// <summary>
/// What a person asks a policy to be (create and update). Null matchers match anything; <paramref name="ArgsRule"/> is
/// a JSON Schema the call's arguments must satisfy for the policy to match.
/// </summary>
/// <param name="Approvers">Distinct people whose approvals a <see cref="PolicyEffect.Require"/> call needs.</param>
/// <param name="Roles">Roles an approver must have (any of them); empty means STORE_ADMIN.</param>
/// <param name="RespondWithin">After this long without a decision the call escalates (level 1, 2, … every period).</param>
/// <param name="Priority">Higher first; among equal priorities the older policy first.</param>
[GenerateSerializer, Immutable, Alias("AgentOps.PolicyDraft")]
public sealed record PolicyDraft(
    [property: Id(0)] string Name,
    [property: Id(1)] PolicyEffect Effect,
    [property: Id(2)] string? ToolName = null,
    [property: Id(3)] RiskClass? Risk = null,
    [property: Id(4)] string? AgentType = null,
    [property: Id(5)] string? ArgsRule = null,
    [property: Id(6)] int Approvers = 1,
    [property: Id(7)] ImmutableArray<string> Roles = default,
    [property: Id(8)] TimeSpan? RespondWithin = null,
    [property: Id(9)] int Priority = 0,
    [property: Id(10)] string? Reason = null);

/// <summary>A stored policy: its draft, id and version (every change adds a version).</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.ApprovalPolicy")]
public sealed record ApprovalPolicy(
    [property: Id(0)] Guid Id,
    [property: Id(1)] int Version,
    [property: Id(2)] PolicyDraft Rule,
    [property: Id(3)] string UpdatedBy,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset UpdatedAt,
    [property: Id(6)] bool Deleted = false);
