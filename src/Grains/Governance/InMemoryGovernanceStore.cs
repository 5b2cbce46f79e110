using System.Collections.Concurrent;

namespace AgentOps.Governance;

/// <summary>Policies and grants in process memory, for grain-logic tests; shared by the silos of one service in a process.</summary>
public sealed class InMemoryGovernanceStore(string serviceId) : IGovernanceStore
{
    private sealed class Data
    {
        public readonly Dictionary<Guid, List<ApprovalPolicy>> Policies = [];
        public readonly Dictionary<Guid, StandingGrant> Grants = [];
        public readonly Dictionary<string, Guid> Uses = [];
    }

    private static readonly ConcurrentDictionary<string, Data> ByService = new();

    private readonly Data _data = ByService.GetOrAdd(serviceId, _ => new Data());

    public Task<IReadOnlyList<ApprovalPolicy>> LoadPoliciesAsync()
    {
        lock (_data) return Task.FromResult<IReadOnlyList<ApprovalPolicy>>([.. _data.Policies.Values.Select(v => v[^1])]);
    }

    public Task<bool> SavePolicyAsync(ApprovalPolicy policy)
    {
        lock (_data)
        {
            var versions = _data.Policies.GetValueOrDefault(policy.Id);
            if ((versions?.Count ?? 0) != policy.Version - 1) return Task.FromResult(false);
            if (versions is null) _data.Policies[policy.Id] = versions = [];
            versions.Add(policy);
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<ApprovalPolicy>> PolicyHistoryAsync(Guid id)
    {
        lock (_data) return Task.FromResult<IReadOnlyList<ApprovalPolicy>>([.. _data.Policies.GetValueOrDefault(id) ?? []]);
    }

    public Task<IReadOnlyList<StandingGrant>> LoadGrantsAsync()
    {
        lock (_data) return Task.FromResult<IReadOnlyList<StandingGrant>>([.. _data.Grants.Values]);
    }

    public Task CreateGrantAsync(StandingGrant grant)
    {
        lock (_data) _data.Grants.Add(grant.Id, grant);
        return Task.CompletedTask;
    }

    public Task RevokeGrantAsync(Guid id, string by, DateTimeOffset at)
    {
        lock (_data)
        {
            if (_data.Grants.TryGetValue(id, out var grant) && grant.RevokedAt is null) _data.Grants[id] = grant with { RevokedAt = at, RevokedBy = by };
        }
        return Task.CompletedTask;
    }

    public Task<Guid?> UseGrantAsync(Guid grantId, string callId, DateTimeOffset now)
    {
        lock (_data)
        {
            if (_data.Uses.TryGetValue(callId, out var used)) return Task.FromResult<Guid?>(used);
            if (!_data.Grants.TryGetValue(grantId, out var grant) || !grant.IsActive(now)) return Task.FromResult<Guid?>(null);
            _data.Grants[grantId] = grant with { Uses = grant.Uses + 1 };
            _data.Uses[callId] = grantId;
            return Task.FromResult<Guid?>(grantId);
        }
    }
}
