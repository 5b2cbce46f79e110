using AgentOps.OpsEvents;
using AgentOps.Orders;
using AgentOps.Warehouses;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Serialization;

namespace AgentOps.FaultHarness;

/// <summary>The durable grain state the checker needs, as PostgreSQL holds it.</summary>
public sealed record StoredState(
    IReadOnlyDictionary<string, WarehouseState> Warehouses,
    IReadOnlyDictionary<Guid, OrderState> Orders,
    IReadOnlyList<OpsEvent> OpsEvents,
    int Undecodable);

/// <summary>
/// Reads grain state rows of <c>agentops_grain_state</c> and decodes them with the Orleans serializer, the way the
/// silos wrote them (binary payloads of the state classes in src/Grains). Only the checker uses it, after recovery:
/// it shows what storage holds — the operations each grain recorded as applied (by call id), a warehouse's stock rows,
/// the ops event log — independently of what the API answers.
/// </summary>
public sealed class GrainStateReader : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly Serializer _serializer;

    public GrainStateReader()
    {
        _services = new ServiceCollection()
            .AddSerializer(b => b.AddAssembly(typeof(WarehouseState).Assembly).AddAssembly(typeof(ShipmentConfirmation).Assembly))
            .BuildServiceProvider();
        _serializer = _services.GetRequiredService<Serializer>();
    }

    public async Task<StoredState> ReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        var warehouses = new Dictionary<string, WarehouseState>(StringComparer.Ordinal);
        var orders = new Dictionary<Guid, OrderState>();
        var events = new List<OpsEvent>();
        var undecodable = 0;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT grain_type, grain_id_ext, payload_binary FROM agentops_grain_state
             WHERE payload_binary IS NOT NULL AND grain_type IN ('warehouse', 'order', 'ops-events')
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var type = reader.GetString(0);
            var key = reader.GetString(1);
            var payload = (byte[])reader[2];
            try
            {
                switch (type)
                {
                    case "warehouse":
                        warehouses[key] = _serializer.Deserialize<WarehouseState>(payload) ?? throw new InvalidDataException("empty warehouse state");
                        break;
                    case "order":
                        var order = _serializer.Deserialize<OrderState>(payload);
                        if (order?.Order is { } snapshot) orders[snapshot.Id] = order;
                        break;
                    case "ops-events":
                        events.AddRange(_serializer.Deserialize<OpsEventLogState>(payload)?.Events ?? []);
                        break;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                undecodable++;
            }
        }
        await reader.CloseAsync();
        await ReadWarehouseRowsAsync(connection, warehouses, cancellationToken);
        undecodable += await ReadOrderRowsAsync(connection, orders, cancellationToken);
        return new StoredState(warehouses, orders, events, undecodable);
    }

    /// <summary>An order's state is kept in its row (schema 010), which wins over a state an earlier version wrote.</summary>
    private async Task<int> ReadOrderRowsAsync(NpgsqlConnection connection, Dictionary<Guid, OrderState> orders, CancellationToken cancellationToken)
    {
        var undecodable = 0;
        await using var command = new NpgsqlCommand("SELECT state FROM agentops_orders WHERE state IS NOT NULL", connection);
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            try
            {
                var state = _serializer.Deserialize<OrderState>((byte[])rows[0]);
                if (state?.Order is { } snapshot) orders[snapshot.Id] = state;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                undecodable++;
            }
        }
        return undecodable;
    }

    /// <summary>
    /// A warehouse's stock and the ids of its stock-changing operations are rows (schema 009), not grain state:
    /// folded into the warehouse's state here so the checks see everything storage says about the warehouse.
    /// </summary>
    private static async Task ReadWarehouseRowsAsync(NpgsqlConnection connection, Dictionary<string, WarehouseState> warehouses, CancellationToken cancellationToken)
    {
        WarehouseState For(string name) => warehouses.TryGetValue(name, out var state) ? state : warehouses[name] = new WarehouseState();
        await using (var stock = new NpgsqlCommand("SELECT warehouse, book_id, quantity FROM agentops_warehouse_stock", connection))
        await using (var rows = await stock.ExecuteReaderAsync(cancellationToken))
        {
            while (await rows.ReadAsync(cancellationToken)) For(rows.GetString(0)).Stock[rows.GetGuid(1)] = rows.GetInt32(2);
        }
        await using (var versions = new NpgsqlCommand("SELECT warehouse, shipped_count FROM agentops_warehouse_versions", connection))
        await using (var rows = await versions.ExecuteReaderAsync(cancellationToken))
        {
            while (await rows.ReadAsync(cancellationToken)) For(rows.GetString(0)).ShippedCount = rows.GetInt64(1);
        }
        await using var operations = new NpgsqlCommand("SELECT warehouse, operation_id, result FROM agentops_warehouse_operations", connection);
        await using var ops = await operations.ExecuteReaderAsync(cancellationToken);
        while (await ops.ReadAsync(cancellationToken)) For(ops.GetString(0)).Operations.Results[ops.GetString(1)] = ops.GetString(2);
    }

    public void Dispose() => _services.Dispose();
}
