using AgentOps.Hosting;

namespace AgentOps.Tests.Domain;

public sealed class SchemaScriptsTests
{
    [Fact]
    public void Scripts_are_embedded_in_name_order_with_stable_checksums()
    {
        var first = SchemaMigrator.EmbeddedScripts();
        var second = SchemaMigrator.EmbeddedScripts();

        Assert.Equal(["001_orleans_queries.sql", "002_orleans_clustering.sql", "003_orleans_persistence.sql", "004_orleans_reminders.sql", "005_agent_journal.sql", "006_orders_and_shipments.sql", "007_order_payload.sql", "008_run_limits.sql", "009_warehouse_rows.sql", "010_order_state.sql", "011_governance.sql", "012_webhooks.sql", "013_run_rows_hot.sql", "014_audit_time.sql", "015_webhook_secrets_and_retention.sql", "016_run_requester.sql", "017_pending_orders.sql"],
            first.Select(s => s.Name));
        Assert.Equal(first.Select(s => s.Checksum), second.Select(s => s.Checksum));
        Assert.All(first, s => Assert.Matches("^[0-9a-f]{64}$", s.Checksum));
    }

    [Fact]
    public void Statements_are_auto_prepared_and_connections_not_reset_unless_the_connection_string_says_otherwise()
    {
        var defaulted = new Npgsql.NpgsqlConnectionStringBuilder(AgentOpsHostingExtensions.WithPoolDefaults("Host=db;Database=agentops"));
        var chosen = new Npgsql.NpgsqlConnectionStringBuilder(AgentOpsHostingExtensions.WithPoolDefaults("Host=db;Database=agentops;Max Auto Prepare=0;No Reset On Close=false"));

        Assert.Equal(64, defaulted.MaxAutoPrepare);
        Assert.True(defaulted.NoResetOnClose);
        Assert.Equal("agentops", defaulted.Database);
        Assert.Equal(0, chosen.MaxAutoPrepare);
        Assert.False(chosen.NoResetOnClose);
    }
}
