using AgentOps.Hosting;
using AgentOps.Orders;
using AgentOps.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AgentOps.Tests.Postgres;

public sealed class OrderStoreTests
{
    [Fact]
    public async Task A_second_row_for_the_same_order_is_refused_and_the_first_payload_kept()
    {
        await using var dataSource = await MigratedDataSourceAsync("order_store");
        await using var store = NewStore(dataSource);
        var order = Guid.NewGuid();

        Assert.True(await store.AddAsync(order, Guid.NewGuid(), OrderStatus.Pending, DateTimeOffset.UtcNow, """{"first":true}"""));
        Assert.False(await store.AddAsync(order, Guid.NewGuid(), OrderStatus.Pending, DateTimeOffset.UtcNow, """{"first":false}"""));

        Assert.Equal("""{"first":true}""", await store.GetPayloadAsync(order));
    }

    [Fact]
    public async Task The_payload_is_dropped_once_the_orders_state_is_stored_and_kept_until_then()
    {
        await using var dataSource = await MigratedDataSourceAsync("order_store_payload");
        await using var store = NewStore(dataSource);
        var order = Guid.NewGuid();
        Assert.True(await store.AddAsync(order, Guid.NewGuid(), OrderStatus.Pending, DateTimeOffset.UtcNow, """{"first":true}"""));

        // A state write that lost the race (wrong version) changes nothing, the payload included.
        Assert.False(await store.WriteStateAsync(order, [1, 2, 3], expectedVersion: 5, OrderStatus.Shipped, DateTimeOffset.UtcNow));
        Assert.Equal("""{"first":true}""", await store.GetPayloadAsync(order));

        Assert.True(await store.WriteStateAsync(order, [1, 2, 3], expectedVersion: 0, OrderStatus.Shipped, DateTimeOffset.UtcNow));
        Assert.Null(await store.GetPayloadAsync(order));
        var stored = await store.ReadStateAsync(order);
        Assert.Equal(new byte[] { 1, 2, 3 }, stored!.State);
        Assert.Equal(1, stored.Version);
    }

    [Fact]
    public async Task A_row_added_with_the_first_state_reads_it_at_version_0_and_the_first_write_moves_it_to_1()
    {
        await using var dataSource = await MigratedDataSourceAsync("order_store_state");
        await using var store = NewStore(dataSource);
        var order = Guid.NewGuid();
        Assert.True(await store.AddAsync(order, Guid.NewGuid(), OrderStatus.Pending, DateTimeOffset.UtcNow, state: [7, 8]));
        Assert.False(await store.AddAsync(order, Guid.NewGuid(), OrderStatus.Pending, DateTimeOffset.UtcNow, state: [9]));

        var added = await store.ReadStateAsync(order);
        Assert.Equal(new byte[] { 7, 8 }, added!.State);
        Assert.Equal(0, added.Version);
        Assert.Null(await store.GetPayloadAsync(order));

        Assert.True(await store.WriteStateAsync(order, [1, 2, 3], expectedVersion: 0, OrderStatus.Shipped, DateTimeOffset.UtcNow));
        var written = await store.ReadStateAsync(order);
        Assert.Equal(new byte[] { 1, 2, 3 }, written!.State);
        Assert.Equal(1, written.Version);
    }

    [Fact]
    public async Task An_order_is_listed_as_stalled_only_while_its_row_is_pending()
    {
        await using var dataSource = await MigratedDataSourceAsync("order_store_pending");
        await using var store = NewStore(dataSource);
        var (order, other) = (Guid.NewGuid(), Guid.NewGuid());
        var placed = DateTimeOffset.UtcNow.AddMinutes(-10);
        var later = placed.AddMinutes(5);
        Assert.True(await store.AddAsync(order, Guid.NewGuid(), OrderStatus.Pending, placed));
        Assert.True(await store.AddAsync(other, Guid.NewGuid(), OrderStatus.Pending, later));

        Assert.Equal([order, other], await store.ListStalledAsync(DateTimeOffset.UtcNow, 10));
        Assert.Equal([order], await store.ListStalledAsync(later, 10));

        // A write that lost the race leaves the row, and so the list, as it was.
        Assert.False(await store.WriteStateAsync(order, [1], expectedVersion: 3, OrderStatus.Shipped, later));
        Assert.Equal([order, other], await store.ListStalledAsync(DateTimeOffset.UtcNow, 10));

        Assert.True(await store.WriteStateAsync(order, [1], expectedVersion: 0, OrderStatus.Failed, later));
        Assert.Equal([other], await store.ListStalledAsync(DateTimeOffset.UtcNow, 10));

        // A retry makes it PENDING again, from the time of the retry.
        var retried = DateTimeOffset.UtcNow.AddMinutes(-1);
        Assert.True(await store.WriteStateAsync(order, [2], expectedVersion: 1, OrderStatus.Pending, retried));
        Assert.Equal([other, order], await store.ListStalledAsync(DateTimeOffset.UtcNow, 10));

        await store.RemoveAsync(other);
        Assert.Equal([order], await store.ListStalledAsync(DateTimeOffset.UtcNow, 10));
    }

    [Fact]
    public async Task The_end_of_an_order_updates_its_row_without_touching_an_index()
    {
        await using var dataSource = await MigratedDataSourceAsync("order_store_hot");
        const int count = 200;
        await using (var store = NewStore(dataSource))
        {
            var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToList();
            // Sizes as measured: a new row ~1,000 bytes with its payload, an ended one ~430.
            var payload = $$"""{"lines":"{{new string('x', 880)}}"}""";
            await Task.WhenAll(ids.Select(id => store.AddAsync(id, Guid.NewGuid(), OrderStatus.Pending, DateTimeOffset.UtcNow, payload)));
            var ended = await Task.WhenAll(ids.Select(id => store.WriteStateAsync(id, new byte[320], 0, OrderStatus.Shipped, DateTimeOffset.UtcNow)));
            Assert.All(ended, Assert.True);

            // The sweep forgets the ended orders: the list of possibly pending ones does not grow with history.
            Assert.Empty(await store.ListStalledAsync(DateTimeOffset.UtcNow, 10));
            Assert.Equal(0L, await CountNotesAsync(dataSource));
        }
        // A server process reports its table statistics when it ends: close the pooled connections, then read them.
        dataSource.Clear();
        var (updates, hot) = (0L, 0L);
        for (var deadline = DateTime.UtcNow.AddSeconds(30); updates < count && DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            await using var command = dataSource.CreateCommand(
                "SELECT pg_stat_clear_snapshot(); SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'agentops_orders'");
            await using var reader = await command.ExecuteReaderAsync();
            await reader.NextResultAsync();
            Assert.True(await reader.ReadAsync());
            (updates, hot) = (reader.GetInt64(0), reader.GetInt64(1));
        }
        Assert.Equal(count, updates);
        Assert.Equal(count, hot);
    }

    [Fact]
    public async Task An_order_noted_again_while_pending_is_listed_once_and_keeps_one_note()
    {
        await using var dataSource = await MigratedDataSourceAsync("order_store_notes");
        await using var store = NewStore(dataSource);
        var order = Guid.NewGuid();
        var placed = DateTimeOffset.UtcNow.AddMinutes(-10);
        Assert.True(await store.AddAsync(order, Guid.NewGuid(), OrderStatus.Pending, placed));
        // A resume writes the row again (refused: it exists) and an unanswered attempt stores PENDING state: both note it.
        Assert.False(await store.AddAsync(order, Guid.NewGuid(), OrderStatus.Pending, placed));
        Assert.True(await store.WriteStateAsync(order, [1], expectedVersion: 0, OrderStatus.Pending, placed));
        Assert.Equal(3L, await CountNotesAsync(dataSource));

        Assert.Equal([order], await store.ListStalledAsync(DateTimeOffset.UtcNow, 10));
        Assert.Equal(1L, await CountNotesAsync(dataSource));
        Assert.Equal([order], await store.ListStalledAsync(DateTimeOffset.UtcNow, 10));
        Assert.Equal(1L, await CountNotesAsync(dataSource));
    }

    [Fact]
    public async Task Orders_pending_before_the_pending_list_existed_are_still_found()
    {
        var server = await PostgresServer.GetAsync();
        var connectionString = await server.CreateDatabaseAsync("order_store_backfill");
        var migrator = new SchemaMigrator(NullLogger<SchemaMigrator>.Instance);
        var scripts = SchemaMigrator.EmbeddedScripts();
        await migrator.ApplyAsync(connectionString, [.. scripts.TakeWhile(s => s.Name != "017_pending_orders.sql")]);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var (pending, shipped) = (Guid.NewGuid(), Guid.NewGuid());
        await using (var insert = dataSource.CreateCommand("""
            INSERT INTO agentops_orders (order_id, user_id, status, created_at, updated_at)
            VALUES ($1, $3, 'PENDING', now() - interval '1 hour', now() - interval '1 hour'),
                   ($2, $3, 'SHIPPED', now() - interval '1 hour', now() - interval '1 hour')
            """))
        {
            insert.Parameters.AddWithValue(pending);
            insert.Parameters.AddWithValue(shipped);
            insert.Parameters.AddWithValue(Guid.NewGuid());
            await insert.ExecuteNonQueryAsync();
        }

        Assert.Equal(["017_pending_orders.sql"], [.. (await migrator.ApplyAsync(connectionString, scripts)).Where(n => n.StartsWith("017"))]);

        await using var store = NewStore(dataSource);
        Assert.Equal([pending], await store.ListStalledAsync(DateTimeOffset.UtcNow, 10));
    }

    private static async Task<NpgsqlDataSource> MigratedDataSourceAsync(string prefix) =>
        NpgsqlDataSource.Create(await PostgresServer.CreateMigratedDatabaseAsync(prefix));

    private static PostgresOrderStore NewStore(NpgsqlDataSource dataSource) => new(dataSource, NullLogger<PostgresOrderStore>.Instance);

    private static async Task<long> CountNotesAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM agentops_pending_orders");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
