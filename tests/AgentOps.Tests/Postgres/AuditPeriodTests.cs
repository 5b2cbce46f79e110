using System.Globalization;
using System.Text.Json.Nodes;
using AgentOps.Agents;
using AgentOps.Governance;
using AgentOps.Hosting;
using AgentOps.Journal;
using AgentOps.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AgentOps.Tests.Postgres;

/// <summary>Approval analytics read the audit rows of one period (schema 014), not the whole chain.</summary>
public sealed class AuditPeriodTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 16, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Only_the_audit_rows_of_the_period_are_read_on_postgres()
    {
        var connectionString = await PostgresServer.CreateMigratedDatabaseAsync("audit_period");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await AssertPeriodAsync(new PostgresRunJournalStore(dataSource));
    }

    [Fact]
    public Task Only_the_audit_rows_of_the_period_are_read_in_memory() =>
        AssertPeriodAsync(new InMemoryRunJournalStore($"audit-{Guid.NewGuid():N}"));

    private static async Task AssertPeriodAsync(IRunJournalStore store)
    {
        var run = Guid.NewGuid();
        var started = new JournalEntry(Guid.NewGuid(), run, 1, Monday, new RunStarted("audit", "u", "inventory", null, run, null, Runs.Admin));
        var days = Enumerable.Range(0, 4).Select(d => Monday.AddDays(d)).ToList();
        Assert.True(await store.AppendAsync([started], RunFold.Summary(RunFold.Replay(run, [started])),
            [.. days.Select((at, i) => Row(run, $"call_{i}", at))]));

        var tuesdayToThursday = await store.ReadAuditBetweenAsync(days[1], days[3], 0, 100);
        Assert.Equal(["call_1", "call_2"], tuesdayToThursday.Select(r => r.CallId));
        // Paging within the period continues after the last sequence seen.
        var second = await store.ReadAuditBetweenAsync(days[1], days[3], tuesdayToThursday[0].Sequence, 100);
        Assert.Equal(["call_2"], second.Select(r => r.CallId));
        Assert.Empty(await store.ReadAuditBetweenAsync(days[3].AddDays(1), days[3].AddDays(2), 0, 100));
    }

    [Fact]
    public async Task Rows_written_before_schema_014_get_their_time_and_the_chain_and_the_append_only_rule_hold()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("audit_backfill");
        var migrator = new SchemaMigrator(NullLogger<SchemaMigrator>.Instance);
        var scripts = SchemaMigrator.EmbeddedScripts();
        await migrator.ApplyAsync(connectionString, [.. scripts.TakeWhile(s => !s.Name.StartsWith("014", StringComparison.Ordinal))]);
        var run = Guid.NewGuid();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            for (var i = 0; i < 3; i++)
            {
                var row = Row(run, $"old_{i}", Monday.AddHours(i));
                await using var append = new NpgsqlCommand("SELECT agentops_audit_append($1, $2, $3, $4, $5)", connection);
                append.Parameters.AddWithValue(row.RunId);
                append.Parameters.AddWithValue(row.CallId);
                append.Parameters.AddWithValue(row.Kind);
                append.Parameters.AddWithValue(row.Record);
                append.Parameters.AddWithValue(row.EventId);
                await append.ExecuteNonQueryAsync();
            }
            // A row edited by hand before the upgrade: its record is not JSON. The upgrade must not stop on it.
            await using var odd = new NpgsqlCommand("SELECT agentops_audit_append($1, 'odd', 'escalated', 'not json', $2)", connection);
            odd.Parameters.AddWithValue(run);
            odd.Parameters.AddWithValue(Guid.NewGuid());
            await odd.ExecuteNonQueryAsync();
        }

        Assert.Contains(await migrator.ApplyAsync(connectionString), name => name.StartsWith("014", StringComparison.Ordinal));

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresRunJournalStore(dataSource);
        var later = Row(run, "new_0", Monday.AddHours(5));
        var next = new JournalEntry(Guid.NewGuid(), run, 1, Monday, new RunStarted("audit", "u", "inventory", null, run, null, Runs.Admin));
        Assert.True(await store.AppendAsync([next], RunFold.Summary(RunFold.Replay(run, [next])), [later]));
        Assert.Equal(["old_1", "old_2", "new_0"], (await store.ReadAuditBetweenAsync(Monday.AddHours(1), Monday.AddHours(6), 0, 100)).Select(r => r.CallId));
        var rows = await store.ReadAuditAsync(null, null, 0, 100);
        Assert.Equal(new DateTimeOffset?[] { Monday, Monday.AddHours(1), Monday.AddHours(2), null, Monday.AddHours(5) }, rows.Select(r => r.At));
        // The chain holds up to the hand-edited row, which verify names (its record does not fit its columns).
        var verified = ApprovalAudit.Verify(rows);
        Assert.Equal(4, verified.FirstBrokenSequence);
        Assert.True(ApprovalAudit.Verify(rows.Take(3)).Ok);

        await using var update = dataSource.CreateCommand("UPDATE agentops_approval_audit SET kind = 'approved' WHERE call_id = 'old_0'");
        var refused = await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync());
        Assert.Contains("append-only", refused.MessageText);
    }

    private static AuditEntry Row(Guid run, string callId, DateTimeOffset at) => new(Guid.NewGuid(), run, callId, "escalated",
        new JsonObject { ["run_id"] = run.ToString(), ["call_id"] = callId, ["kind"] = "escalated", ["at"] = at.ToString("O", CultureInfo.InvariantCulture) }
            .ToJsonString());
}
