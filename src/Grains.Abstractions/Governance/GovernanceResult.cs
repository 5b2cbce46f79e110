using AgentOps.Common;

namespace AgentOps.Governance;

/// <summary>A policy change's outcome: the stored policy, or why it was refused.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.PolicyResult")]
public sealed record PolicyResult([property: Id(0)] ApprovalPolicy? Policy, [property: Id(1)] OperationError? Error);

/// <summary>A grant change's outcome: the stored grant, or why it was refused.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.GrantResult")]
public sealed record GrantResult([property: Id(0)] StandingGrant? Grant, [property: Id(1)] OperationError? Error);
