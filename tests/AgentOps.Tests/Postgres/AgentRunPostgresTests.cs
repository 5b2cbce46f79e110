using AgentOps.Agents;
using AgentOps.Journal;
using AgentOps.Tests.Infrastructure;
using Npgsql;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;

namespace AgentOps.Tests.Postgres;

/// <summary>Agent runs on the real journal: PostgreSQL, a killed silo, a full restart.</summary>
public sealed class AgentRunPostgresTests
{
    private static async Task<(TestCluster Cluster, Dictionary<string, string?> Settings, string ServiceId, string ConnectionString)> StartAsync(string name, int silos)
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync(name);
        var settings = ClusterFactory.BaseSettings(connectionString);
        var serviceId = $"svc-{Guid.NewGuid():N}"[..16];
        var cluster = ClusterFactory.Build(silos, settings, serviceId);
        await cluster.DeployAsync();
        return (cluster, settings, serviceId, connectionString);
    }

    /// <param name="placeOn">The silo to activate the run on (a placement hint; Orleans' directors honour it).</param>
    private static async Task<(Guid Run, string Warehouse, Guid Book)> SuspendAsync(TestCluster cluster, SiloAddress? placeOn = null)
    {
        var scenario = new Scenario(cluster.GrainFactory);
        var book = await scenario.BookAsync();
        var warehouse = await scenario.WarehouseAsync("pg", (book.Id, 7));
        if (placeOn is not null) RequestContext.Set(IPlacementDirector.PlacementHintKey, placeOn);
        Guid run;
        try
        {
            run = await Runs.StartAsync(cluster.GrainFactory, $"Set stock of {book.Title} at {warehouse} to 33", "inventory");
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
        await Runs.WaitForAsync(cluster.GrainFactory, run, RunStatus.Suspended);
        return (run, warehouse, book.Id);
    }

    [Fact]
    public async Task A_run_waiting_for_approval_keeps_waiting_through_a_full_restart_and_finishes_when_approved()
    {
        var (cluster, settings, serviceId, connectionString) = await StartAsync("run_restart", 1);
        Guid run;
        string warehouse;
        Guid book;
        RunView before;
        try
        {
            (run, warehouse, book) = await SuspendAsync(cluster);
            before = (await cluster.GrainFactory.GetGrain<IAgentRunGrain>(run).GetAsync())!;
            await cluster.StopAllSilosAsync();
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        cluster = ClusterFactory.Build(1, settings, serviceId);
        await cluster.DeployAsync();
        try
        {
            var grain = cluster.GrainFactory.GetGrain<IAgentRunGrain>(run);
            var after = (await grain.GetAsync())!;
            Assert.Equal(RunStatus.Suspended, after.Run.Status);
            Assert.Equal(before.PendingTool, after.PendingTool);
            Assert.Equal(before.Events.Select(e => (e.Id, e.Sequence, JournalCodec.TypeOf(e.Event))), after.Events.Select(e => (e.Id, e.Sequence, JournalCodec.TypeOf(e.Event))));
            Assert.Equal(7, await Scenario.StockAsync(cluster.GrainFactory, warehouse, book));
            Assert.Contains((await cluster.GrainFactory.GetGrain<IRunDirectoryGrain>(0).ListPendingApprovalsAsync(new ApprovalQuery(Limit: 100))).Approvals, p => p.RunId == run);

            Assert.Null((await grain.DecideAsync(new RunDecision(ApprovalDecision.Approved, "admin@bookstore.com", after.PendingTool!.CallId))).Error);
            var done = await Runs.WaitForAsync(cluster.GrainFactory, run, RunStatus.Completed);
            Assert.Equal(33, await Scenario.StockAsync(cluster.GrainFactory, warehouse, book));

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*), count(DISTINCT sequence), max(sequence) FROM agentops_run_journal WHERE run_id = $1", connection);
            count.Parameters.AddWithValue(run);
            await using (var reader = await count.ExecuteReaderAsync())
            {
                await reader.ReadAsync();
                Assert.Equal(done.Events.Length, reader.GetInt64(0));
                Assert.Equal(done.Events.Length, reader.GetInt64(1));
                Assert.Equal(done.Events.Length, reader.GetInt32(2));
            }
            await using var status = new NpgsqlCommand("SELECT status, pending_call_id FROM agentops_runs WHERE run_id = $1", connection);
            status.Parameters.AddWithValue(run);
            await using (var reader = await status.ExecuteReaderAsync())
            {
                await reader.ReadAsync();
                Assert.Equal("completed", reader.GetString(0));
                Assert.True(reader.IsDBNull(1));
            }
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_journal_refuses_updates_deletes_and_a_second_event_with_the_same_sequence()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("journal");
        var migrator = new AgentOps.Hosting.SchemaMigrator(Microsoft.Extensions.Logging.Abstractions.NullLogger<AgentOps.Hosting.SchemaMigrator>.Instance);
        await migrator.ApplyAsync(connectionString);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresRunJournalStore(dataSource);
        var run = Guid.NewGuid();
        var first = new JournalEntry(Guid.NewGuid(), run, 1, DateTimeOffset.UtcNow, new RunStarted("p", "u", "inventory", null, run, null));
        var summary = RunFold.Summary(RunFold.Replay(run, [first]));

        Assert.True(await store.AppendAsync([first], summary));
        var rival = first with { Id = Guid.NewGuid(), Event = new AgentThought("a second writer") };
        Assert.False(await store.AppendAsync([rival], summary));
        var stored = Assert.Single(await store.ReadAsync(run));
        Assert.IsType<RunStarted>(stored.Event);

        foreach (var sql in new[] { "UPDATE agentops_run_journal SET event_type = 'X'", "DELETE FROM agentops_run_journal" })
        {
            await using var command = dataSource.CreateCommand(sql);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("append-only", refused.MessageText);
        }
    }

    [Fact]
    public async Task A_run_waiting_for_approval_survives_the_death_of_its_silo()
    {
        var (cluster, _, _, _) = await StartAsync("run_kill", 2);
        try
        {
            var management = cluster.GrainFactory.GetGrain<IManagementGrain>(0);
            // The test cluster's membership lives on the primary silo, so the run must be on the other one to kill it.
            // (Placement left to chance failed once in 12 tries: the default director weighs the silos' load.)
            var secondary = cluster.SecondarySilos[0].SiloAddress;
            var (run, warehouse, book) = await SuspendAsync(cluster, placeOn: secondary);
            Assert.Equal(secondary, await management.GetActivationAddress(cluster.GrainFactory.GetGrain<IAgentRunGrain>(run)));

            await cluster.KillSiloAsync(cluster.SecondarySilos[0]);

            var grain = cluster.GrainFactory.GetGrain<IAgentRunGrain>(run);
            RunSummary? summary = null;
            await Scenario.EventuallyAsync(async () =>
            {
                try
                {
                    summary = await grain.GetSummaryAsync();
                    return true;
                }
                catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), "the run is reachable again after its silo died");
            Assert.Equal(RunStatus.Suspended, summary!.Status);
            Assert.NotEqual(cluster.SecondarySilos.FirstOrDefault()?.SiloAddress, await management.GetActivationAddress(grain));

            Assert.Null((await grain.DecideAsync(new RunDecision(ApprovalDecision.Approved, "admin@bookstore.com"))).Error);
            await Runs.WaitForAsync(cluster.GrainFactory, run, RunStatus.Completed);
            Assert.Equal(33, await Scenario.StockAsync(cluster.GrainFactory, warehouse, book));
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
