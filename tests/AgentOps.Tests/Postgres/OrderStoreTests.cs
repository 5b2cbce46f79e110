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
}
