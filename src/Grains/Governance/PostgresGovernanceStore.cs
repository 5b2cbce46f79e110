using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace AgentOps.Governance;

/// <summary>Policies and grants in PostgreSQL (tables of <c>Schema/011_governance.sql</c>).</summary>
public sealed class PostgresGovernanceStore(NpgsqlDataSource dataSource) : IGovernanceStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IReadOnlyList<ApprovalPolicy>> LoadPoliciesAsync()
    {
        await using var command = dataSource.CreateCommand(
            "SELECT policy_id, version, rule::text, deleted, updated_by, created_at, updated_at FROM agentops_policies");
        return await ReadPoliciesAsync(command);
    }

    public async Task<bool> SavePolicyAsync(ApprovalPolicy policy)
    {
        // The version row is the fence: two admins saving version 3 at once, one of them gets the unique violation.
        await using var batch = dataSource.CreateBatch();
        var version = new NpgsqlBatchCommand("""
            INSERT INTO agentops_policy_versions (policy_id, version, rule, deleted, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6)
            """);
        var current = new NpgsqlBatchCommand("""
            INSERT INTO agentops_policies (policy_id, version, rule, deleted, updated_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $7, $6)
            ON CONFLICT (policy_id) DO UPDATE SET version = excluded.version, rule = excluded.rule, deleted = excluded.deleted,
                updated_by = excluded.updated_by, updated_at = excluded.updated_at
            WHERE agentops_policies.version = excluded.version - 1
            """);
        foreach (var command in new[] { version, current })
        {
            command.Parameters.AddWithValue(policy.Id);
            command.Parameters.AddWithValue(policy.Version);
            command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(policy.Rule, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.AddWithValue(policy.Deleted);
            command.Parameters.AddWithValue(policy.UpdatedBy);
            command.Parameters.AddWithValue(policy.UpdatedAt.UtcDateTime);
        }
        current.Parameters.AddWithValue(policy.CreatedAt.UtcDateTime);
        batch.BatchCommands.Add(version);
        batch.BatchCommands.Add(current);
        try
        {
            await batch.ExecuteNonQueryAsync();
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<ApprovalPolicy>> PolicyHistoryAsync(Guid id)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT v.policy_id, v.version, v.rule::text, v.deleted, v.changed_by, p.created_at, v.changed_at
              FROM agentops_policy_versions v JOIN agentops_policies p USING (policy_id)
             WHERE v.policy_id = $1 ORDER BY v.version
            """);
        command.Parameters.AddWithValue(id);
        return await ReadPoliciesAsync(command);
    }

    public async Task<IReadOnlyList<StandingGrant>> LoadGrantsAsync()
    {
        await using var command = dataSource.CreateCommand(
            "SELECT grant_id, grant_rule::text, uses, created_by, created_at, revoked_at, revoked_by FROM agentops_grants");
        await using var reader = await command.ExecuteReaderAsync();
        var grants = new List<StandingGrant>();
        while (await reader.ReadAsync())
        {
            grants.Add(new StandingGrant(reader.GetGuid(0), JsonSerializer.Deserialize<GrantDraft>(reader.GetString(1), Json)!, reader.GetInt32(2),
                reader.GetString(3), Utc(reader.GetDateTime(4)), reader.IsDBNull(5) ? null : Utc(reader.GetDateTime(5)), reader.IsDBNull(6) ? null : reader.GetString(6)));
        }
        return grants;
    }

    public async Task CreateGrantAsync(StandingGrant grant)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO agentops_grants (grant_id, grant_rule, max_uses, uses, expires_at, created_by, created_at) VALUES ($1, $2, $3, 0, $4, $5, $6)
            """);
        command.Parameters.AddWithValue(grant.Id);
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(grant.Grant, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)grant.Grant.MaxUses ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = grant.Grant.ExpiresAt is { } at ? at.UtcDateTime : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.AddWithValue(grant.CreatedBy);
        command.Parameters.AddWithValue(grant.CreatedAt.UtcDateTime);
        await command.ExecuteNonQueryAsync();
    }

    public async Task RevokeGrantAsync(Guid id, string by, DateTimeOffset at)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE agentops_grants SET revoked_at = $2, revoked_by = $3 WHERE grant_id = $1 AND revoked_at IS NULL");
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(at.UtcDateTime);
        command.Parameters.AddWithValue(by);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<Guid?> UseGrantAsync(Guid grantId, string callId, DateTimeOffset now)
    {
        await using var command = dataSource.CreateCommand("SELECT agentops_use_grant($1, $2, $3)");
        command.Parameters.AddWithValue(grantId);
        command.Parameters.Add(new NpgsqlParameter { Value = callId, NpgsqlDbType = NpgsqlDbType.Varchar });
        command.Parameters.AddWithValue(now.UtcDateTime);
        return await command.ExecuteScalarAsync() is Guid used ? used : null;
    }

    private static async Task<IReadOnlyList<ApprovalPolicy>> ReadPoliciesAsync(NpgsqlCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync();
        var policies = new List<ApprovalPolicy>();
        while (await reader.ReadAsync())
        {
            policies.Add(new ApprovalPolicy(reader.GetGuid(0), reader.GetInt32(1), JsonSerializer.Deserialize<PolicyDraft>(reader.GetString(2), Json)!,
                reader.GetString(4), Utc(reader.GetDateTime(5)), Utc(reader.GetDateTime(6)), reader.GetBoolean(3)));
        }
        return policies;
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
