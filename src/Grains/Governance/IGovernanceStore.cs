namespace AgentOps.Governance;

/// <summary>Where policies and grants live: PostgreSQL in every real deployment, memory in grain-logic tests.</summary>
public interface IGovernanceStore
{
    /// <summary>The current version of every policy, deleted ones included.</summary>
    Task<IReadOnlyList<ApprovalPolicy>> LoadPoliciesAsync();

    /// <summary>Stores a policy's new version; false (nothing stored) when the policy is no longer at <c>Version - 1</c>.</summary>
    Task<bool> SavePolicyAsync(ApprovalPolicy policy);

    Task<IReadOnlyList<ApprovalPolicy>> PolicyHistoryAsync(Guid id);

    Task<IReadOnlyList<StandingGrant>> LoadGrantsAsync();

    Task CreateGrantAsync(StandingGrant grant);

    Task RevokeGrantAsync(Guid id, string by, DateTimeOffset at);

    /// <summary>
    /// Takes one use of the grant for the call, or finds the grant this call already used. Null when the grant is
    /// revoked, expired or used up. Exact under concurrency: the database counts.
    /// </summary>
    Task<Guid?> UseGrantAsync(Guid grantId, string callId, DateTimeOffset now);
}
