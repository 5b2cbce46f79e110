using System.Collections.Immutable;

namespace AgentOps.Governance;

/// <summary>
/// The approval rules of the cluster (key 0): policies and standing grants, kept in PostgreSQL and held in memory by
/// this one activation, so that every silo sees a change (a revoked grant, a new policy) with its next call.
/// </summary>
[Alias("AgentOps.IApprovalPolicyGrain")]
public interface IApprovalPolicyGrain : IGrainWithIntegerKey
{
    [Alias("ListPolicies"), ReadOnly]
    Task<ImmutableArray<ApprovalPolicy>> ListPoliciesAsync(bool includeDeleted = false);

    [Alias("GetPolicy"), ReadOnly]
    Task<ApprovalPolicy?> GetPolicyAsync(Guid id);

    /// <summary>Every version of a policy, oldest first (the audit of its changes).</summary>
    [Alias("PolicyHistory"), ReadOnly]
    Task<ImmutableArray<ApprovalPolicy>> PolicyHistoryAsync(Guid id);

    [Alias("CreatePolicy")]
    Task<PolicyResult> CreatePolicyAsync(PolicyDraft draft, string by);

    /// <summary>Replaces a policy's rule as a new version; <paramref name="expectedVersion"/>, when given, must be the current one.</summary>
    [Alias("UpdatePolicy")]
    Task<PolicyResult> UpdatePolicyAsync(Guid id, PolicyDraft draft, int? expectedVersion, string by);

    [Alias("DeletePolicy")]
    Task<PolicyResult> DeletePolicyAsync(Guid id, string by);

    /// <summary>Explains what the policies would do with a call, without using any grant.</summary>
    [Alias("Evaluate"), ReadOnly]
    Task<ApprovalVerdict> EvaluateAsync(ApprovalRequest request);

    /// <summary>Decides a proposed call: the policies first, then the grants, of which one use is taken for the call id.</summary>
    [Alias("Decide")]
    Task<ApprovalVerdict> DecideAsync(ApprovalRequest request);

    [Alias("ListGrants"), ReadOnly]
    Task<ImmutableArray<StandingGrant>> ListGrantsAsync(bool includeInactive = false);

    [Alias("CreateGrant")]
    Task<GrantResult> CreateGrantAsync(GrantDraft draft, string by);

    [Alias("RevokeGrant")]
    Task<GrantResult> RevokeGrantAsync(Guid id, string by);
}
