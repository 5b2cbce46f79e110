using AgentOps.Common;
using System.Collections.Immutable;
using System.Text.Json;
using Npgsql;

namespace AgentOps.Warehouses;

/// <summary>
/// The warehouse rows in PostgreSQL (<c>agentops_warehouse_stock</c>, <c>agentops_shipments</c>,
/// <c>agentops_warehouse_operations</c>, <c>agentops_warehouse_versions</c>). A commit is one batch, which Npgsql runs
/// as one implicit transaction: the version fence first, then only the rows that changed. Call-id lookups (one per
/// <c>set_stock</c> or restart with a call id) that wait together are answered by one query.
/// </summary>
public sealed class PostgresWarehouseStore : IWarehouseStore, IAsyncDisposable
{
    private const int MaxLookups = 200;

    private sealed record Line(Guid BookId, int Quantity);

    private readonly NpgsqlDataSource _dataSource;
    private readonly ReadBatcher<(string Warehouse, string OperationId), string> _operations;

    public PostgresWarehouseStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
        _operations = new ReadBatcher<(string, string), string>(FindOperationsAsync, MaxLookups);
    }

    public async Task<WarehouseRecord> LoadAsync(string warehouse)
    {
        await using var batch = _dataSource.CreateBatch();
        batch.BatchCommands.Add(BatchCommands.Of("SELECT version, shipped_count FROM agentops_warehouse_versions WHERE warehouse = $1", warehouse));
        batch.BatchCommands.Add(BatchCommands.Of("SELECT book_id, quantity FROM agentops_warehouse_stock WHERE warehouse = $1", warehouse));
        await using var reader = await batch.ExecuteReaderAsync();
        long version = 0, shipped = 0;
        if (await reader.ReadAsync())
        {
            version = reader.GetInt64(0);
            shipped = reader.GetInt64(1);
        }
        await reader.NextResultAsync();
        var stock = new Dictionary<Guid, int>();
        while (await reader.ReadAsync()) stock[reader.GetGuid(0)] = reader.GetInt32(1);
        return new WarehouseRecord(version, shipped, stock);
    }

    public async Task<long> CommitAsync(string warehouse, long expectedVersion, WarehouseCommit commit)
    {
        await using var batch = _dataSource.CreateBatch();
        batch.BatchCommands.Add(BatchCommands.Of("SELECT agentops_warehouse_commit($1, $2, $3)", warehouse, expectedVersion, commit.ShippedDelta));
        if (commit.Stock.Count > 0)
        {
            batch.BatchCommands.Add(BatchCommands.Of("""
                INSERT INTO agentops_warehouse_stock (warehouse, book_id, quantity)
                SELECT $1, b, q FROM unnest($2::uuid[], $3::integer[]) AS t(b, q)
                ON CONFLICT (warehouse, book_id) DO UPDATE SET quantity = excluded.quantity
                """, warehouse, commit.Stock.Keys.ToArray(), commit.Stock.Values.ToArray()));
        }
        // A second shipment of an order violates the primary key and voids the whole commit: never shipped twice.
        if (commit.Shipments.Count > 0) batch.BatchCommands.Add(InsertShipments(warehouse, commit.Shipments, ""));
        if (commit.Migrated.Count > 0) batch.BatchCommands.Add(InsertShipments(warehouse, commit.Migrated, "ON CONFLICT (warehouse, order_id) DO NOTHING"));
        if (commit.Operations.Count > 0)
        {
            batch.BatchCommands.Add(BatchCommands.Of("""
                INSERT INTO agentops_warehouse_operations (warehouse, operation_id, result)
                SELECT $1, i, r FROM unnest($2::varchar[], $3::varchar[]) AS t(i, r)
                """, warehouse, commit.Operations.Keys.ToArray(), commit.Operations.Values.ToArray()));
        }
        try
        {
            return (long)(await batch.ExecuteScalarAsync())!;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.SerializationFailure)
        {
            throw new WarehouseConflictException(e.MessageText, e);
        }
    }

    public Task<string?> FindOperationAsync(string warehouse, string operationId) => _operations.ReadAsync((warehouse, operationId));

    private async Task<IReadOnlyDictionary<(string, string), string>> FindOperationsAsync(IReadOnlyList<(string Warehouse, string OperationId)> keys)
    {
        await using var command = _dataSource.CreateCommand("""
            SELECT o.warehouse, o.operation_id, o.result FROM agentops_warehouse_operations o
              JOIN unnest($1::varchar[], $2::varchar[]) AS t(w, i) ON o.warehouse = t.w AND o.operation_id = t.i
            """);
        command.Parameters.AddWithValue(keys.Select(k => k.Warehouse).ToArray());
        command.Parameters.AddWithValue(keys.Select(k => k.OperationId).ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        var found = new Dictionary<(string, string), string>();
        while (await reader.ReadAsync()) found[(reader.GetString(0), reader.GetString(1))] = reader.GetString(2);
        return found;
    }

    public ValueTask DisposeAsync() => _operations.DisposeAsync();

    public async Task<ShipmentConfirmation?> FindShipmentAsync(string warehouse, Guid orderId)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM agentops_shipments WHERE warehouse = $1 AND order_id = $2");
        command.Parameters.AddWithValue(warehouse);
        command.Parameters.AddWithValue(orderId);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? Read(reader, warehouse) : null;
    }

    public async Task<IReadOnlyList<ShipmentConfirmation>> ListShipmentsAsync(string warehouse, int limit)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM agentops_shipments WHERE warehouse = $1 ORDER BY shipped_at DESC LIMIT $2");
        command.Parameters.AddWithValue(warehouse);
        command.Parameters.AddWithValue(limit);
        await using var reader = await command.ExecuteReaderAsync();
        var list = new List<ShipmentConfirmation>();
        while (await reader.ReadAsync()) list.Add(Read(reader, warehouse));
        return list;
    }

    public async Task<int> ForgetOperationsAsync(string warehouse, DateTimeOffset before)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM agentops_warehouse_operations WHERE warehouse = $1 AND recorded_at < $2");
        command.Parameters.AddWithValue(warehouse);
        command.Parameters.AddWithValue(before.UtcDateTime);
        return await command.ExecuteNonQueryAsync();
    }

    private static NpgsqlBatchCommand InsertShipments(string warehouse, IReadOnlyList<ShipmentConfirmation> shipments, string onConflict) =>
        BatchCommands.Of($"""
            INSERT INTO agentops_shipments (warehouse, order_id, shipment_id, items, remaining, shipped_at)
            SELECT $1, o, s, i::json, r::json, t FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[]) AS x(o, s, i, r, t)
            {onConflict}
            """, warehouse,
            shipments.Select(c => c.OrderId).ToArray(), shipments.Select(c => c.ShipmentId).ToArray(),
            shipments.Select(c => Lines(c.Items)).ToArray(), shipments.Select(c => Lines(c.Remaining)).ToArray(),
            shipments.Select(c => c.ShippedAt.UtcDateTime).ToArray());

    private const string Columns = "shipment_id, order_id, items::text, remaining::text, shipped_at";

    private static ShipmentConfirmation Read(NpgsqlDataReader r, string warehouse) => new(
        r.GetGuid(0), r.GetGuid(1), warehouse, Parse(r.GetString(2)), Parse(r.GetString(3)), new DateTimeOffset(r.GetDateTime(4), TimeSpan.Zero));

    private static string Lines(ImmutableArray<StockLine> lines) => JsonSerializer.Serialize(lines.Select(l => new Line(l.BookId, l.Quantity)));

    private static ImmutableArray<StockLine> Parse(string json) =>
        [.. JsonSerializer.Deserialize<List<Line>>(json)!.Select(l => new StockLine(l.BookId, l.Quantity))];
}
