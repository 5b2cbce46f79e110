using System.Collections.Immutable;
using AgentOps.Tests.Infrastructure;
using AgentOps.Warehouses;
using Npgsql;

namespace AgentOps.Tests.Postgres;

/// <summary>The warehouse rows in PostgreSQL: a commit is all or nothing, fenced by the version it was based on.</summary>
public sealed class WarehouseStoreTests : IAsyncLifetime
{
    private static readonly IReadOnlyDictionary<string, string> NoOperations = new Dictionary<string, string>();
    private NpgsqlDataSource _dataSource = null!;
    private PostgresWarehouseStore _store = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await PostgresServer.CreateMigratedDatabaseAsync("warehouse_store");
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _store = new PostgresWarehouseStore(_dataSource);
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task A_commit_writes_the_changed_rows_and_moves_the_version()
    {
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var v1 = await _store.CommitAsync("w", 0, new WarehouseCommit(new Dictionary<Guid, int> { [a] = 10, [b] = 20 }, [], NoOperations, []));
        var shipment = Shipment("w", a, 3, remaining: 7);
        var v2 = await _store.CommitAsync("w", v1, new WarehouseCommit(new Dictionary<Guid, int> { [a] = 7 }, [shipment], new Dictionary<string, string> { ["op-1"] = "set" }, []));

        var record = await _store.LoadAsync("w");
        Assert.Equal((1, 2), (v1, v2));
        Assert.Equal(2, record.Version);
        Assert.Equal(1, record.ShippedCount);
        Assert.Equal(new Dictionary<Guid, int> { [a] = 7, [b] = 20 }, record.Stock);
        Assert.Equal(shipment.ShipmentId, (await _store.FindShipmentAsync("w", shipment.OrderId))!.ShipmentId);
        Assert.Equal("set", await _store.FindOperationAsync("w", "op-1"));
    }

    [Fact]
    public async Task A_commit_based_on_a_stale_version_is_refused_and_changes_nothing()
    {
        var book = Guid.NewGuid();
        var v1 = await _store.CommitAsync("stale", 0, new WarehouseCommit(new Dictionary<Guid, int> { [book] = 10 }, [], NoOperations, []));
        await _store.CommitAsync("stale", v1, new WarehouseCommit(new Dictionary<Guid, int> { [book] = 9 }, [Shipment("stale", book, 1, 9)], NoOperations, []));

        // A second activation that read version 1 tries to commit after the first one moved on.
        var late = Shipment("stale", book, 1, 9);
        await Assert.ThrowsAsync<WarehouseConflictException>(() =>
            _store.CommitAsync("stale", v1, new WarehouseCommit(new Dictionary<Guid, int> { [book] = 9 }, [late], NoOperations, [])));
        // And a first commit for a warehouse that already has one.
        await Assert.ThrowsAsync<WarehouseConflictException>(() =>
            _store.CommitAsync("stale", 0, new WarehouseCommit(new Dictionary<Guid, int> { [book] = 100 }, [], NoOperations, [])));

        var record = await _store.LoadAsync("stale");
        Assert.Equal(2, record.Version);
        Assert.Equal(9, record.Stock[book]);
        Assert.Null(await _store.FindShipmentAsync("stale", late.OrderId));
    }

    [Fact]
    public async Task A_second_shipment_of_an_order_voids_the_whole_commit()
    {
        var (book, other) = (Guid.NewGuid(), Guid.NewGuid());
        var v1 = await _store.CommitAsync("twice", 0, new WarehouseCommit(new Dictionary<Guid, int> { [book] = 10, [other] = 10 }, [], NoOperations, []));
        var first = Shipment("twice", book, 1, 9);
        var v2 = await _store.CommitAsync("twice", v1, new WarehouseCommit(new Dictionary<Guid, int> { [book] = 9 }, [first], NoOperations, []));

        var again = first with { ShipmentId = Guid.NewGuid() };
        var innocent = Shipment("twice", other, 1, 9);
        await Assert.ThrowsAsync<PostgresException>(() => _store.CommitAsync("twice", v2, new WarehouseCommit(
            new Dictionary<Guid, int> { [book] = 8, [other] = 9 }, [innocent, again], NoOperations, [])));

        var record = await _store.LoadAsync("twice");
        Assert.Equal((2L, 1L), (record.Version, record.ShippedCount));
        Assert.Equal(new Dictionary<Guid, int> { [book] = 9, [other] = 10 }, record.Stock);
        Assert.Equal(first.ShipmentId, (await _store.FindShipmentAsync("twice", first.OrderId))!.ShipmentId);
        Assert.Null(await _store.FindShipmentAsync("twice", innocent.OrderId));
    }

    [Fact]
    public async Task Operation_ids_older_than_the_retention_are_forgotten()
    {
        await _store.CommitAsync("ops", 0, new WarehouseCommit(new Dictionary<Guid, int>(), [], new Dictionary<string, string> { ["old"] = "set" }, []));

        Assert.Equal(0, await _store.ForgetOperationsAsync("ops", DateTimeOffset.UtcNow.AddMinutes(-1)));
        Assert.Equal("set", await _store.FindOperationAsync("ops", "old"));
        Assert.Equal(1, await _store.ForgetOperationsAsync("ops", DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.Null(await _store.FindOperationAsync("ops", "old"));
    }

    private static ShipmentConfirmation Shipment(string warehouse, Guid book, int quantity, int remaining) =>
        new(Guid.NewGuid(), Guid.NewGuid(), warehouse, [new StockLine(book, quantity)], [new StockLine(book, remaining)], DateTimeOffset.UtcNow);
}
