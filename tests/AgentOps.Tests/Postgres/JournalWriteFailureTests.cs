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
        await WithRefusingJournalAsync(async (cluster, connectionString) =>
        {
            var run = Guid.NewGuid();
            // Storage that refuses every commit of this run after its first one unless it holds only SYSTEM_ERROR,
            // counting each attempt in a sequence (sequences are not rolled back with the refused transaction). The
            // orchestrator's start commits its routing decision; delegating to the specialist is the next commit.
            await ExecuteAsync(connectionString, RefuseCommitsSql(run, afterTheFirst: true));

            var started = await cluster.GrainFactory.GetGrain<IAgentRunGrain>(run)
                .StartAsync(new StartRun("reconcile inventory", "tester", "orchestrator", RequestedBy: Runs.Admin));
            Assert.Null(started.Error);

            var failed = await Runs.WaitForAsync(cluster.GrainFactory, run, RunStatus.Failed);
            Assert.Equal([JournalCodec.RunStartedType, "AGENT_THOUGHT", "TOOL_PROPOSED", JournalCodec.SystemErrorType], Runs.Types(failed));
            Assert.Contains("journal refused", Runs.Single<SystemError>(failed).ErrorDetails);
            Assert.Empty(failed.ChildRunIds);
            await AssertBoundedAsync(connectionString);
        });
    }

    [Fact]
    public async Task A_start_whose_first_commit_storage_keeps_refusing_is_answered_with_the_error_and_leaves_no_run()
    {
        await WithRefusingJournalAsync(async (cluster, connectionString) =>
        {
            var run = Guid.NewGuid();
            await ExecuteAsync(connectionString, RefuseCommitsSql(run, afterTheFirst: false));

            // The built-in planner's first steps go into RUN_STARTED's commit: refused, the run never existed.
            await Assert.ThrowsAnyAsync<Exception>(() => cluster.GrainFactory.GetGrain<IAgentRunGrain>(run)
                .StartAsync(new StartRun("reconcile inventory", "tester", "inventory", RequestedBy: Runs.Admin)));

            await AssertBoundedAsync(connectionString);
            Assert.Null(await cluster.GrainFactory.GetGrain<IAgentRunGrain>(run).GetAsync());
        });
    }

    private static async Task WithRefusingJournalAsync(Func<Orleans.TestingHost.TestCluster, string, Task> test)
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("journal_refused");
        var settings = ClusterFactory.BaseSettings(connectionString);
        settings["AgentOps:Agents:MaxJournalWriteAttempts"] = "4";
        var cluster = ClusterFactory.Build(1, settings, $"svc-{Guid.NewGuid():N}"[..16]);
        await cluster.DeployAsync();
        try
        {
            await test(cluster, connectionString);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    /// <summary>
    /// A trigger that refuses every commit of <paramref name="run"/> (or every one after its first) that holds more
    /// than SYSTEM_ERROR, and counts the refusals.
    /// </summary>
    private static string RefuseCommitsSql(Guid run, bool afterTheFirst) => $$"""
        CREATE SEQUENCE refused_attempts;
        CREATE FUNCTION refuse_commits() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM inserted WHERE run_id = '{{run}}' AND event_type <> 'SYSTEM_ERROR')
             AND {{(afterTheFirst ? $"NOT EXISTS (SELECT 1 FROM inserted WHERE run_id = '{run}' AND sequence = 1)" : "true")}} THEN
            PERFORM nextval('refused_attempts');
            RAISE EXCEPTION 'storage refuses these events';
          END IF;
          RETURN NULL;
        END $$;
        CREATE TRIGGER refuse_commits AFTER INSERT ON agentops_run_journal REFERENCING NEW TABLE AS inserted
          FOR EACH STATEMENT EXECUTE FUNCTION refuse_commits();
        """;

    /// <summary>The configured attempts (the adaptor may start one more while the activation goes away), and no more later.</summary>
    private static async Task AssertBoundedAsync(string connectionString)
    {
        var attempts = await AttemptsAsync(connectionString);
        Assert.InRange(attempts, 4, 6);
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal(attempts, await AttemptsAsync(connectionString));
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
