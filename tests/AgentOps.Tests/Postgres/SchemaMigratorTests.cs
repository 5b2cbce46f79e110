using AgentOps.Hosting;
using AgentOps.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AgentOps.Tests.Postgres;

public sealed class SchemaMigratorTests
{
    private readonly SchemaMigrator _migrator = new(NullLogger<SchemaMigrator>.Instance);

    [Fact]
    public async Task Scripts_are_applied_once_and_a_second_run_applies_nothing()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("schema");
        var scripts = SchemaMigrator.EmbeddedScripts();

        var first = await _migrator.ApplyAsync(connectionString);
        var second = await _migrator.ApplyAsync(connectionString);

        Assert.Equal(scripts.Select(s => s.Name), first);
        Assert.Empty(second);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM OrleansQuery", connection);
        Assert.Equal(20L, await count.ExecuteScalarAsync()); // every query key the three 10.4.2 providers require
    }

    [Fact]
    public async Task Silos_migrating_at_the_same_time_apply_each_script_once()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("schema_race");

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _migrator.ApplyAsync(connectionString)));

        Assert.Equal(SchemaMigrator.EmbeddedScripts().Count, runs.Sum(r => r.Count));
    }

    [Fact]
    public async Task A_script_changed_after_it_was_applied_is_reported_and_not_run()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("schema_drift");
        await _migrator.ApplyAsync(connectionString);
        var changed = SchemaMigrator.EmbeddedScripts()
            .Select(s => s.Name == "004_orleans_reminders.sql" ? s with { Sql = s.Sql + "\n-- edited", Checksum = new string('0', 64) } : s)
            .ToList();

        var drift = await Assert.ThrowsAsync<SchemaDriftException>(() => _migrator.ApplyAsync(connectionString, changed));

        Assert.Equal("004_orleans_reminders.sql", drift.Script);
    }
}
