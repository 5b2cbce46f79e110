using AgentOps.Hosting;

namespace AgentOps.Tests.Domain;

public sealed class SchemaScriptsTests
{
    [Fact]
    public void Scripts_are_embedded_in_name_order_with_stable_checksums()
    {
        var first = SchemaMigrator.EmbeddedScripts();
        var second = SchemaMigrator.EmbeddedScripts();

        Assert.Equal(["001_orleans_queries.sql", "002_orleans_clustering.sql", "003_orleans_persistence.sql", "004_orleans_reminders.sql", "005_agent_journal.sql", "006_orders_and_shipments.sql", "007_order_payload.sql", "008_run_limits.sql", "009_warehouse_rows.sql", "010_order_state.sql", "011_governance.sql", "012_webhooks.sql"],
            first.Select(s => s.Name));
        Assert.Equal(first.Select(s => s.Checksum), second.Select(s => s.Checksum));
        Assert.All(first, s => Assert.Matches("^[0-9a-f]{64}$", s.Checksum));
    }
}
