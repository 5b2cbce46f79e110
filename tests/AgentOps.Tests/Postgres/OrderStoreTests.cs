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
        var connectionString = await PostgresServer.CreateMigratedDatabaseAsync("order_store");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var store = new PostgresOrderStore(dataSource, NullLogger<PostgresOrderStore>.Instance);
        var order = Guid.NewGuid();

        Assert.True(await store.AddAsync(order, Guid.NewGuid(), OrderStatus.Pending, DateTimeOffset.UtcNow, """{"first":true}"""));
        Assert.False(await store.AddAsync(order, Guid.NewGuid(), OrderStatus.Pending, DateTimeOffset.UtcNow, """{"first":false}"""));

        Assert.Equal("""{"first":true}""", await store.GetPayloadAsync(order));
    }

    [Fact]
    public async Task The_payload_is_dropped_once_the_orders_state_is_stored_and_kept_until_then()
    {
        var connectionString = await PostgresServer.CreateMigratedDatabaseAsync("order_store_payload");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var store = new PostgresOrderStore(dataSource, NullLogger<PostgresOrderStore>.Instance);
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
}
