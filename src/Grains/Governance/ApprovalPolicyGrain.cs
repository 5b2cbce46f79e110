using System.Collections.Immutable;
using AgentOps.Agents;
using AgentOps.Agents.Tools;
using AgentOps.Common;
using Microsoft.Extensions.Logging;

namespace AgentOps.Governance;

/// <summary>
/// The one activation (key 0) that holds the cluster's policies and grants: every change is written to the store
/// first and then to memory, so a revoked grant or a new policy applies to the very next call on any silo. Grant
/// uses are taken in the store, one per call id, so a grant of N uses approves exactly N calls.
/// </summary>
public sealed class ApprovalPolicyGrain(
    IGovernanceStore store, ToolRegistry tools, AgentCatalog agents, TimeProvider clock, ILogger<ApprovalPolicyGrain> logger)
    : Grain, IApprovalPolicyGrain
{
    private Dictionary<Guid, ApprovalPolicy> _policies = [];
    private Dictionary<Guid, StandingGrant> _grants = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _policies = (await store.LoadPoliciesAsync()).ToDictionary(p => p.Id);
        _grants = (await store.LoadGrantsAsync()).ToDictionary(g => g.Id);
        await base.OnActivateAsync(cancellationToken);
    }

    public Task<ImmutableArray<ApprovalPolicy>> ListPoliciesAsync(bool includeDeleted = false) =>
        Task.FromResult<ImmutableArray<ApprovalPolicy>>([.. PolicyEvaluator.Ordered(_policies.Values), .. includeDeleted ? _policies.Values.Where(p => p.Deleted) : []]);

    public Task<ApprovalPolicy?> GetPolicyAsync(Guid id) => Task.FromResult(_policies.GetValueOrDefault(id));

    public async Task<ImmutableArray<ApprovalPolicy>> PolicyHistoryAsync(Guid id) => [.. await store.PolicyHistoryAsync(id)];

    public async Task<PolicyResult> CreatePolicyAsync(PolicyDraft draft, string by)
    {
        draft = Normalize(draft);
        if (PolicyValidation.Check(draft, ToolNames, AgentTypes) is { } invalid) return new PolicyResult(null, invalid);
        var now = clock.GetUtcNow();
        var policy = new ApprovalPolicy(Guid.NewGuid(), 1, draft, by, now, now);
        return await SaveAsync(policy);
    }

    public async Task<PolicyResult> UpdatePolicyAsync(Guid id, PolicyDraft draft, int? expectedVersion, string by)
    {
        if (_policies.GetValueOrDefault(id) is not { Deleted: false } current) return new PolicyResult(null, Errors.NotFound($"Policy {id} does not exist."));
        if (expectedVersion is { } expected && expected != current.Version)
            return new PolicyResult(null, Errors.Conflict($"Policy {id} is at version {current.Version}, not {expected}; read it again.",
                new Dictionary<string, string> { ["version"] = current.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        draft = Normalize(draft);
        if (PolicyValidation.Check(draft, ToolNames, AgentTypes) is { } invalid) return new PolicyResult(null, invalid);
        return await SaveAsync(current with { Version = current.Version + 1, Rule = draft, UpdatedBy = by, UpdatedAt = clock.GetUtcNow() });
    }

    public async Task<PolicyResult> DeletePolicyAsync(Guid id, string by)
    {
        if (_policies.GetValueOrDefault(id) is not { Deleted: false } current) return new PolicyResult(null, Errors.NotFound($"Policy {id} does not exist."));
        return await SaveAsync(current with { Version = current.Version + 1, Deleted = true, UpdatedBy = by, UpdatedAt = clock.GetUtcNow() });
    }

    public Task<ApprovalVerdict> EvaluateAsync(ApprovalRequest request)
    {
        var verdict = PolicyEvaluator.Evaluate(_policies.Values, request);
        var grant = PolicyEvaluator.GrantCandidates(verdict, _grants.Values, request, clock.GetUtcNow()).FirstOrDefault();
        return Task.FromResult(grant is null ? verdict : PolicyEvaluator.Granted(grant, request));
    }

    public async Task<ApprovalVerdict> DecideAsync(ApprovalRequest request)
    {
        var verdict = PolicyEvaluator.Evaluate(_policies.Values, request);
        if (request.CallId is not { } callId) return verdict;
        foreach (var candidate in PolicyEvaluator.GrantCandidates(verdict, _grants.Values, request, clock.GetUtcNow()).ToList())
        {
            var used = await store.UseGrantAsync(candidate.Id, callId, clock.GetUtcNow());
            if (used is not { } grantId) continue;
            // The call may have used another grant the first time it was asked (a retry after a crash): that one counts.
            var grant = _grants.GetValueOrDefault(grantId) ?? candidate;
            if (grantId == candidate.Id) _grants[grantId] = grant = grant with { Uses = grant.Uses + 1 };
            logger.LogInformation("Call {CallId} of run {RunId} approved by grant {GrantId}", callId, request.RunId, grantId);
            return PolicyEvaluator.Granted(grant, request);
        }
        return verdict;
    }

    public Task<ImmutableArray<StandingGrant>> ListGrantsAsync(bool includeInactive = false)
    {
        var now = clock.GetUtcNow();
        return Task.FromResult<ImmutableArray<StandingGrant>>(
            [.. _grants.Values.Where(g => includeInactive || g.IsActive(now)).OrderByDescending(g => g.CreatedAt)]);
    }

    public async Task<GrantResult> CreateGrantAsync(GrantDraft draft, string by)
    {
        var now = clock.GetUtcNow();
        if (PolicyValidation.Check(draft, ToolNames, now) is { } invalid) return new GrantResult(null, invalid);
        var grant = new StandingGrant(Guid.NewGuid(), draft, 0, by, now);
        await store.CreateGrantAsync(grant);
        _grants[grant.Id] = grant;
        logger.LogInformation("Grant {GrantId} of {Tool} created by {By}", grant.Id, draft.ToolName, by);
        return new GrantResult(grant, null);
    }

    public async Task<GrantResult> RevokeGrantAsync(Guid id, string by)
    {
        if (_grants.GetValueOrDefault(id) is not { } grant) return new GrantResult(null, Errors.NotFound($"Grant {id} does not exist."));
        if (grant.RevokedAt is not null) return new GrantResult(grant, null);
        var now = clock.GetUtcNow();
        await store.RevokeGrantAsync(id, by, now);
        _grants[id] = grant = grant with { RevokedAt = now, RevokedBy = by };
        logger.LogInformation("Grant {GrantId} revoked by {By}", id, by);
        return new GrantResult(grant, null);
    }

    private async Task<PolicyResult> SaveAsync(ApprovalPolicy policy)
    {
        if (!await store.SavePolicyAsync(policy))
        {
            // Another writer got there first (only possible around a failover): take the stored truth.
            _policies = (await store.LoadPoliciesAsync()).ToDictionary(p => p.Id);
            return new PolicyResult(null, Errors.Conflict($"Policy {policy.Id} was changed meanwhile; read it again."));
        }
        _policies[policy.Id] = policy;
        logger.LogInformation("Policy {PolicyId} v{Version} saved by {By}{Deleted}", policy.Id, policy.Version, policy.UpdatedBy, policy.Deleted ? " (deleted)" : "");
        return new PolicyResult(policy, null);
    }

    private static PolicyDraft Normalize(PolicyDraft draft) => draft with
    {
        Name = draft.Name?.Trim() ?? "",
        ToolName = string.IsNullOrWhiteSpace(draft.ToolName) ? null : draft.ToolName.Trim(),
        AgentType = string.IsNullOrWhiteSpace(draft.AgentType) ? null : draft.AgentType.Trim(),
        ArgsRule = string.IsNullOrWhiteSpace(draft.ArgsRule) ? null : draft.ArgsRule,
        Roles = draft.Roles.IsDefaultOrEmpty ? [PolicyEvaluator.StoreAdmin] : [.. draft.Roles.Select(r => (r ?? "").Trim().ToUpperInvariant()).Distinct()],
    };

    private HashSet<string> ToolNames => [.. tools.All.Select(t => t.Name)];

    private HashSet<string> AgentTypes => [.. agents.All.Select(a => a.Type)];
}
