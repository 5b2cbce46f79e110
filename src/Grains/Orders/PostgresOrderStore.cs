using AgentOps.Common;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace AgentOps.Orders;

/// <summary>
/// The order table in PostgreSQL (<c>Schema/006_orders_and_shipments.sql</c>, 007, 010). Row changes from every
/// order on this silo are written in batches, one transaction each (group commit): new rows and grain-state writes
/// are awaited (an order is accepted only once its row exists, and says it shipped only once that is stored), bare
/// status changes are not — if one is lost, the sweeper finds the row PENDING, asks the order, and corrects it.
/// Reads of grain state (one per order activation, i.e. per new order) are batched the same way, one query each.
/// </summary>
public sealed class PostgresOrderStore : IOrderStore, IAsyncDisposable
{
    private const int MaxBatch = 500;

    private enum Kind { NewRow, Status, State }

    private sealed record Change(Guid OrderId, Kind Kind, string? Status, DateTime At, TaskCompletionSource<bool>? Done)
    {
        public Guid UserId { get; init; }
        public string? Payload { get; init; }
        public byte[]? State { get; init; }
        public int ExpectedVersion { get; init; }
    }

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<PostgresOrderStore> _logger;
    private readonly Channel<Change> _changes = Channel.CreateUnbounded<Change>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    private readonly ReadBatcher<Guid, StoredOrderState> _reads;

    public PostgresOrderStore(NpgsqlDataSource dataSource, ILogger<PostgresOrderStore> logger)
    {
        _dataSource = dataSource;
        _logger = logger;
        _writer = Task.Run(WriteLoopAsync);
        _reads = new ReadBatcher<Guid, StoredOrderState>(ReadManyAsync, MaxBatch);
    }

    public Task<bool> AddAsync(Guid orderId, Guid userId, OrderStatus status, DateTimeOffset createdAt, string? payload = null, byte[]? state = null)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(new Change(orderId, Kind.NewRow, Name(status), createdAt.UtcDateTime, done) { UserId = userId, Payload = payload, State = state });
        return done.Task;
    }

    public Task SetStatusAsync(Guid orderId, OrderStatus status, DateTimeOffset updatedAt)
    {
        _changes.Writer.TryWrite(new Change(orderId, Kind.Status, Name(status), updatedAt.UtcDateTime, null));
        return Task.CompletedTask;
    }

    public Task<bool> WriteStateAsync(Guid orderId, byte[]? state, int expectedVersion, OrderStatus? status, DateTimeOffset updatedAt)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(new Change(orderId, Kind.State, status is { } s ? Name(s) : null, updatedAt.UtcDateTime, done) { State = state, ExpectedVersion = expectedVersion });
        return done.Task;
    }

    // One SELECT per new order was 10 % of the web process's CPU at ~2,400 orders/s: reads that wait together are one query.
    public Task<StoredOrderState?> ReadStateAsync(Guid orderId) => _reads.ReadAsync(orderId);

    private async Task<IReadOnlyDictionary<Guid, StoredOrderState>> ReadManyAsync(IReadOnlyList<Guid> orderIds)
    {
        await using var command = _dataSource.CreateCommand("SELECT order_id, state, state_version FROM agentops_orders WHERE order_id = ANY($1)");
        command.Parameters.AddWithValue(orderIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        var found = new Dictionary<Guid, StoredOrderState>(orderIds.Count);
        while (await reader.ReadAsync())
        {
            found[reader.GetGuid(0)] = new StoredOrderState(reader.IsDBNull(1) ? null : (byte[])reader[1], reader.GetInt32(2));
        }
        return found;
    }

    private void Enqueue(Change change)
    {
        if (!_changes.Writer.TryWrite(change)) throw new InvalidOperationException("The order store is shutting down.");
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Change>(MaxBatch);
        while (await _changes.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _changes.Reader.TryRead(out var change)) batch.Add(change);
            try
            {
                var inserted = await WriteBatchAsync(batch);
                for (var i = 0; i < batch.Count; i++) batch[i].Done?.TrySetResult(inserted[i]);
            }
            catch (Exception e) when (batch.Count > 1)
            {
                // One row storage refuses must not fail the orders batched with it: write them one by one.
                _logger.LogWarning(e, "Could not write {Count} order rows together; writing them one by one", batch.Count);
                foreach (var change in batch)
                {
                    try
                    {
                        change.Done?.TrySetResult((await WriteBatchAsync([change]))[0]);
                    }
                    catch (Exception single)
                    {
                        _logger.LogError(single, "Could not write the row of order {OrderId}", change.OrderId);
                        change.Done?.TrySetException(single);
                    }
                }
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Could not write the row of order {OrderId}", batch[0].OrderId);
                batch[0].Done?.TrySetException(e);
            }
        }
    }

    /// <summary>Writes the batch in one transaction; per change, whether it added or changed a row.</summary>
    private async Task<bool[]> WriteBatchAsync(List<Change> batch)
    {
        // A batch without an explicit transaction runs as one implicit transaction, in one round trip.
        await using var commands = _dataSource.CreateBatch();
        var primary = new int[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var change = batch[i];
            primary[i] = commands.BatchCommands.Count;
            commands.BatchCommands.Add(change.Kind switch
            {
                Kind.NewRow => BatchCommands.Of(
                    "INSERT INTO agentops_orders (order_id, user_id, payload, state, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (order_id) DO NOTHING",
                    change.OrderId, change.UserId, new NpgsqlParameter { Value = (object?)change.Payload ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Json },
                    new NpgsqlParameter { Value = (object?)change.State ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea }, change.Status!, change.At),
                Kind.Status => BatchCommands.Of("UPDATE agentops_orders SET status = $2, updated_at = $3 WHERE order_id = $1", change.OrderId, change.Status!, change.At),
                // A version that moved on (another activation wrote) matches no row: that write fails, the others stand.
                // Once the state is stored the payload (rows of versions that inserted one) is not needed: it only rebuilds an
                // order whose state never was.
                _ => BatchCommands.Of("""
                    UPDATE agentops_orders SET state = $2, state_version = state_version + 1, status = coalesce($3, status), updated_at = $4,
                           payload = CASE WHEN $2 IS NULL THEN payload END
                     WHERE order_id = $1 AND state_version = $5
                    """, change.OrderId, new NpgsqlParameter { Value = (object?)change.State ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea },
                    new NpgsqlParameter { Value = (object?)change.Status ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar }, change.At, change.ExpectedVersion),
            });
            if (change.Status == PendingName) commands.BatchCommands.Add(NotePending(change.OrderId));
        }
        await commands.ExecuteNonQueryAsync();
        return [.. primary.Select(i => commands.BatchCommands[i].RecordsAffected > 0)];
    }

    // Noted in the same transaction as the write that leaves the order PENDING (a write that changed nothing only
    // notes it once more); kept out of the order table so that no index there covers a column an order's end
    // changes, which makes that update HOT. The sweeper forgets the orders that are no longer PENDING.
    private static NpgsqlBatchCommand NotePending(Guid orderId) =>
        BatchCommands.Of("INSERT INTO agentops_pending_orders (order_id) VALUES ($1)", orderId);

    public async ValueTask DisposeAsync()
    {
        _changes.Writer.TryComplete();
        await _writer;
        await _reads.DisposeAsync();
    }

    public async Task<string?> GetPayloadAsync(Guid orderId)
    {
        await using var command = _dataSource.CreateCommand("SELECT payload::text FROM agentops_orders WHERE order_id = $1");
        command.Parameters.AddWithValue(orderId);
        return await command.ExecuteScalarAsync() as string;
    }

    public async Task RemoveAsync(Guid orderId)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM agentops_orders WHERE order_id = $1");
        command.Parameters.AddWithValue(orderId);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<IReadOnlyList<OrderReference>> ListAsync(OrderQuery query)
    {
        await using var command = _dataSource.CreateCommand("""
            SELECT order_id, created_at FROM agentops_orders
             WHERE ($1::uuid IS NULL OR user_id = $1) AND ($2::varchar IS NULL OR status = $2)
             ORDER BY created_at DESC, order_id LIMIT $3 OFFSET $4
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.UserId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = query.Status is { } s ? Name(s) : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        command.Parameters.AddWithValue(query.Limit);
        command.Parameters.AddWithValue(query.Offset);
        await using var reader = await command.ExecuteReaderAsync();
        var page = new List<OrderReference>();
        while (await reader.ReadAsync()) page.Add(new OrderReference(reader.GetGuid(0), new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero)));
        return page;
    }

    public async Task<IReadOnlyList<Guid>> ListStalledAsync(DateTimeOffset before, int limit)
    {
        // Both look order rows up one by one through the primary key (a subquery per note, an array of ids): a join
        // could be planned as a scan of the whole order table, which only grows.
        await using var batch = _dataSource.CreateBatch();
        // The notes this statement sees become one per order still PENDING (an order noted again and again while it
        // stays PENDING, by each resume or unanswered attempt, keeps one); notes written meanwhile are not seen and stay.
        batch.BatchCommands.Add(BatchCommands.Of("""
            WITH seen AS (DELETE FROM agentops_pending_orders RETURNING order_id)
            INSERT INTO agentops_pending_orders (order_id)
            SELECT DISTINCT s.order_id FROM seen s
             WHERE (SELECT o.status FROM agentops_orders o WHERE o.order_id = s.order_id) = 'PENDING'
            """));
        batch.BatchCommands.Add(BatchCommands.Of("""
            SELECT order_id FROM agentops_orders
             WHERE order_id = ANY (ARRAY(SELECT DISTINCT order_id FROM agentops_pending_orders)) AND status = 'PENDING' AND updated_at < $1
             ORDER BY updated_at LIMIT $2
            """, before.UtcDateTime, limit));
        await using var reader = await batch.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
        return ids;
    }

    private static readonly string PendingName = Name(OrderStatus.Pending);

    private static string Name(OrderStatus status) => status.ToString().ToUpperInvariant();
}
