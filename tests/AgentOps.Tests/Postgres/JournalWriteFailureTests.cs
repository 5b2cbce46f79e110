using AgentOps.Agents;
using AgentOps.Journal;
using AgentOps.Tests.Infrastructure;
using Npgsql;

namespace AgentOps.Tests.Postgres;

/// <summary>
/// A journal write that PostgreSQL keeps refusing must end, not spin: issue 9 saw one bad INSERT retried ~870 times
/// a second until the process restarted.
/// </summary>
public sealed class JournalWriteFailureTests
{
    [Fact]
    public async Task A_step_that_storage_keeps_refusing_fails_the_run_with_SYSTEM_ERROR_after_a_bounded_number_of_attempts()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("journal_refused");
        var settings = ClusterFactory.BaseSettings(connectionString);
        settings["AgentOps:Agents:MaxJournalWriteAttempts"] = "4";
        var cluster = ClusterFactory.Build(1, settings, $"svc-{Guid.NewGuid():N}"[..16]);
        await cluster.DeployAsync();
        try
        {
            var run = Guid.NewGuid();
            // Storage that refuses every event of this run after RUN_STARTED except SYSTEM_ERROR, counting each attempt
            // in a sequence (sequences are not rolled back with the refused transaction).
            await ExecuteAsync(connectionString, $$"""
                CREATE SEQUENCE refused_attempts;
                CREATE FUNCTION refuse_steps() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW.run_id = '{{run}}' AND NEW.sequence > 1 AND NEW.event_type <> 'SYSTEM_ERROR' THEN
                    PERFORM nextval('refused_attempts');
                    RAISE EXCEPTION 'storage refuses this event';
                  END IF;
                  RETURN NEW;
                END $$;
                CREATE TRIGGER refuse_steps BEFORE INSERT ON agentops_run_journal FOR EACH ROW EXECUTE FUNCTION refuse_steps();
                """);

            var started = await cluster.GrainFactory.GetGrain<IAgentRunGrain>(run).StartAsync(new StartRun("reconcile inventory", "tester", "inventory", RequestedBy: Runs.Admin));
            Assert.Null(started.Error);

            var failed = await Runs.WaitForAsync(cluster.GrainFactory, run, RunStatus.Failed);
            Assert.Equal([JournalCodec.RunStartedType, JournalCodec.SystemErrorType], Runs.Types(failed));
            Assert.Contains("journal refused", Runs.Single<SystemError>(failed).ErrorDetails);

            // Bounded: the configured attempts (the adaptor may start one more while the activation goes away), and no more later.
            var attempts = await AttemptsAsync(connectionString);
            Assert.InRange(attempts, 4, 6);
            await Task.Delay(TimeSpan.FromSeconds(5));
            Assert.Equal(attempts, await AttemptsAsync(connectionString));
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    private static async Task<long> AttemptsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT last_value FROM refused_attempts", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
