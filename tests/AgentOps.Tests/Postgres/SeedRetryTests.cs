using AgentOps.Hosting;
using AgentOps.Tests.Infrastructure;
using AgentOps.Users;
using Npgsql;

namespace AgentOps.Tests.Postgres;

/// <summary>A silo that starts while storage fails underneath it seeds once storage answers again, instead of aborting.</summary>
public sealed class SeedRetryTests
{
    [Fact]
    public async Task A_silo_whose_seeding_meets_a_storage_failure_tries_again_and_starts()
    {
        var connectionString = await PostgresServer.CreateMigratedDatabaseAsync("seed_retry");
        // The first write of a user's state fails, as when PostgreSQL drops the connection during start-up.
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                CREATE SEQUENCE user_writes;
                CREATE FUNCTION refuse_first_user_write() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW.grain_type ILIKE '%user%' AND nextval('user_writes') = 1 THEN RAISE EXCEPTION 'connection lost'; END IF;
                  RETURN NEW;
                END $$;
                CREATE TRIGGER refuse_first_user_write BEFORE INSERT OR UPDATE ON agentops_grain_state FOR EACH ROW EXECUTE FUNCTION refuse_first_user_write();
                """, connection);
            await command.ExecuteNonQueryAsync();
        }

        var cluster = ClusterFactory.Build(1, ClusterFactory.BaseSettings(connectionString), $"svc-{Guid.NewGuid():N}"[..16]);
        try
        {
            await cluster.DeployAsync();

            foreach (var user in BookstoreSeeder.Users)
            {
                Assert.NotNull(await cluster.GrainFactory.GetGrain<IUserGrain>(UserRules.NormalizeEmail(user.Email)).GetAsync());
            }
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }
}
