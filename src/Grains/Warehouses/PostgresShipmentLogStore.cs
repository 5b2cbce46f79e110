using System.Collections.Immutable;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace AgentOps.Warehouses;

/// <summary>The shipment log in PostgreSQL (<c>agentops_shipments</c>).</summary>
public sealed class PostgresShipmentLogStore(NpgsqlDataSource dataSource) : IShipmentLogStore
{
    private sealed record Line(Guid BookId, int Quantity);

    public async Task AppendAsync(string warehouse, IReadOnlyCollection<ShipmentConfirmation> confirmations)
    {
        if (confirmations.Count == 0) return;
        await using var batch = dataSource.CreateBatch();
        foreach (var c in confirmations)
        {
            var insert = new NpgsqlBatchCommand("""
                INSERT INTO agentops_shipments (warehouse, order_id, shipment_id, items, remaining, shipped_at)
                VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (warehouse, order_id) DO NOTHING
                """);
            insert.Parameters.AddWithValue(warehouse);
            insert.Parameters.AddWithValue(c.OrderId);
            insert.Parameters.AddWithValue(c.ShipmentId);
            insert.Parameters.Add(new NpgsqlParameter { Value = Lines(c.Items), NpgsqlDbType = NpgsqlDbType.Json });
            insert.Parameters.Add(new NpgsqlParameter { Value = Lines(c.Remaining), NpgsqlDbType = NpgsqlDbType.Json });
            insert.Parameters.AddWithValue(c.ShippedAt.UtcDateTime);
            batch.BatchCommands.Add(insert);
        }
        await batch.ExecuteNonQueryAsync();
    }

    public async Task<ShipmentConfirmation?> FindAsync(string warehouse, Guid orderId)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM agentops_shipments WHERE warehouse = $1 AND order_id = $2");
        command.Parameters.AddWithValue(warehouse);
        command.Parameters.AddWithValue(orderId);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? Read(reader, warehouse) : null;
    }

    public async Task<IReadOnlyList<ShipmentConfirmation>> ListAsync(string warehouse, int limit)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM agentops_shipments WHERE warehouse = $1 ORDER BY shipped_at DESC LIMIT $2");
        command.Parameters.AddWithValue(warehouse);
        command.Parameters.AddWithValue(limit);
        await using var reader = await command.ExecuteReaderAsync();
        var list = new List<ShipmentConfirmation>();
        while (await reader.ReadAsync()) list.Add(Read(reader, warehouse));
        return list;
    }

    private const string Columns = "shipment_id, order_id, items::text, remaining::text, shipped_at";

    private static ShipmentConfirmation Read(NpgsqlDataReader r, string warehouse) => new(
        r.GetGuid(0), r.GetGuid(1), warehouse, Parse(r.GetString(2)), Parse(r.GetString(3)), new DateTimeOffset(r.GetDateTime(4), TimeSpan.Zero));

    private static string Lines(ImmutableArray<StockLine> lines) => JsonSerializer.Serialize(lines.Select(l => new Line(l.BookId, l.Quantity)));

    private static ImmutableArray<StockLine> Parse(string json) =>
        [.. JsonSerializer.Deserialize<List<Line>>(json)!.Select(l => new StockLine(l.BookId, l.Quantity))];
}
