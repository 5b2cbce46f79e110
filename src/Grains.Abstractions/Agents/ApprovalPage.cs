using System.Collections.Immutable;

namespace AgentOps.Agents;

/// <summary>One page of pending approvals and how many are pending in all (not just on this page).</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.ApprovalPage")]
public sealed record ApprovalPage([property: Id(0)] ImmutableArray<PendingApproval> Approvals, [property: Id(1)] int Total);
