using System.Collections.Immutable;
using AgentOps.Common;
using Npgsql;
using NpgsqlTypes;

namespace AgentOps.Notifications;

/// <summary>A delivery claimed by one dispatcher for one attempt (<see cref="Attempt"/> is its number, from 1).</summary>
/// <param name="Secret">The webhook's secret; null when it cannot be unsealed with the configured key.</param>
public sealed record DueDelivery(Guid Id, Guid WebhookId, string EventType, string Payload, int Attempt, string Url, string? Secret, string Format);

/// <summary>
/// Webhooks and deliveries in PostgreSQL (<c>Schema/012_webhooks.sql</c>). The rows are written by the journal's
/// transaction (<see cref="WebhookOutbox"/>); this store lists them and is the dispatchers' queue: a claim takes due rows
/// with <c>FOR UPDATE SKIP LOCKED</c> and leases them, so two silos never send the same attempt at once, and a lease
/// left by a dead silo runs out and the row is sent again.
/// Secrets are stored sealed by <see cref="WebhookSecretProtector"/>.
/// </summary>
public sealed class PostgresWebhookStore(NpgsqlDataSource dataSource, WebhookSecretProtector secrets) : IWebhookStore
{
    private const string WebhookColumns = "webhook_id, url, events, format, active, created_by, created_at";

    private const string DeliveryColumns =
        "delivery_id, webhook_id, event_id, event_type, status, attempts, last_status_code, last_error, created_at, next_attempt_at, delivered_at";

    public async Task<IReadOnlyList<Webhook>> ListAsync(bool includeInactive = false)
    {
        await using var command = dataSource.CreateCommand($"SELECT {WebhookColumns} FROM agentops_webhooks WHERE active OR $1 ORDER BY created_at, webhook_id");
        command.Parameters.AddWithValue(includeInactive);
        await using var reader = await command.ExecuteReaderAsync();
        var webhooks = new List<Webhook>();
        while (await reader.ReadAsync()) webhooks.Add(ReadWebhook(reader));
        return webhooks;
    }

    public async Task<Webhook?> GetAsync(Guid id)
    {
        await using var command = dataSource.CreateCommand($"SELECT {WebhookColumns} FROM agentops_webhooks WHERE webhook_id = $1");
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? ReadWebhook(reader) : null;
    }

    public async Task CreateAsync(Webhook webhook, string secret)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO agentops_webhooks (webhook_id, url, secret, events, format, active, created_by, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """);
        command.Parameters.AddWithValue(webhook.Id);
        command.Parameters.AddWithValue(webhook.Url);
        command.Parameters.AddWithValue(secrets.Protect(webhook.Id, secret));
        command.Parameters.Add(new NpgsqlParameter { Value = webhook.Events.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.AddWithValue(webhook.Format);
        command.Parameters.AddWithValue(webhook.Active);
        command.Parameters.AddWithValue(webhook.CreatedBy);
        command.Parameters.AddWithValue(webhook.CreatedAt.UtcDateTime);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Seals the secrets stored in plain text before schema 015; how many. Each row is changed only if it still holds the
    /// plain value read, so silos doing this at the same time seal a row once.
    /// </summary>
    public async Task<int> SealPlainSecretsAsync(CancellationToken cancellationToken)
    {
        var plain = new List<(Guid Id, string Secret)>();
        await using (var read = dataSource.CreateCommand("SELECT webhook_id, secret FROM agentops_webhooks WHERE secret NOT LIKE 'v1:%'"))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) plain.Add((reader.GetGuid(0), reader.GetString(1)));
        }
        var sealedCount = 0;
        foreach (var (id, secret) in plain)
        {
            await using var update = dataSource.CreateCommand("UPDATE agentops_webhooks SET secret = $3 WHERE webhook_id = $1 AND secret = $2");
            update.Parameters.AddWithValue(id);
            update.Parameters.AddWithValue(secret);
            update.Parameters.AddWithValue(secrets.Protect(id, secret));
            sealedCount += await update.ExecuteNonQueryAsync(cancellationToken);
        }
        return sealedCount;
    }

    public async Task<bool> DeactivateAsync(Guid id)
    {
        await using var batch = dataSource.CreateBatch();
        var deactivate = BatchCommands.Of("UPDATE agentops_webhooks SET active = false WHERE webhook_id = $1 AND active", id);
        batch.BatchCommands.Add(deactivate);
        batch.BatchCommands.Add(BatchCommands.Of("""
            UPDATE agentops_webhook_deliveries SET status = 'failed', last_error = 'the webhook was removed', locked_until = NULL
             WHERE webhook_id = $1 AND status = 'pending'
            """, id));
        await batch.ExecuteNonQueryAsync();
        return deactivate.RecordsAffected > 0;
    }

    /// <summary>
    /// Removes up to <paramref name="limit"/> delivered or failed deliveries created before <paramref name="before"/>,
    /// oldest first; how many it removed. Pending ones stay whatever their age.
    /// </summary>
    public async Task<int> PurgeFinishedAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            DELETE FROM agentops_webhook_deliveries
             WHERE delivery_id IN (SELECT delivery_id FROM agentops_webhook_deliveries
                                    WHERE status <> 'pending' AND created_at < $1 ORDER BY created_at LIMIT $2)
            """);
        command.Parameters.AddWithValue(before.UtcDateTime);
        command.Parameters.AddWithValue(limit);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<DeliveryPage> ListDeliveriesAsync(Guid webhookId, int limit, int offset)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(BatchCommands.Of(
            $"SELECT {DeliveryColumns} FROM agentops_webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at DESC, delivery_id LIMIT $2 OFFSET $3",
            webhookId, limit, offset));
        batch.BatchCommands.Add(BatchCommands.Of("SELECT count(*) FROM agentops_webhook_deliveries WHERE webhook_id = $1", webhookId));
        await using var reader = await batch.ExecuteReaderAsync();
        var deliveries = ImmutableArray.CreateBuilder<WebhookDelivery>();
        while (await reader.ReadAsync())
        {
            deliveries.Add(new WebhookDelivery(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetString(4),
                reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                Utc(reader.GetDateTime(8)), Utc(reader.GetDateTime(9)), reader.IsDBNull(10) ? null : Utc(reader.GetDateTime(10))));
        }
        await reader.NextResultAsync();
        await reader.ReadAsync();
        return new DeliveryPage(deliveries.ToImmutable(), (int)reader.GetInt64(0));
    }

    /// <summary>
    /// Takes up to <paramref name="limit"/> due deliveries of active webhooks for one attempt each: the attempt is
    /// counted now (it may reach the receiver even if this silo dies before it records the answer) and the row is
    /// leased until <paramref name="lease"/> from now.
    /// </summary>
    public async Task<IReadOnlyList<DueDelivery>> ClaimAsync(int limit, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            WITH due AS (
                SELECT q.delivery_id
                  FROM agentops_webhook_deliveries q
                  JOIN agentops_webhooks qw ON qw.webhook_id = q.webhook_id
                 WHERE q.status = 'pending' AND q.next_attempt_at <= now() AND (q.locked_until IS NULL OR q.locked_until <= now()) AND qw.active
                 ORDER BY q.next_attempt_at
                 LIMIT $1
                   FOR UPDATE OF q SKIP LOCKED)
            UPDATE agentops_webhook_deliveries d
               SET attempts = d.attempts + 1, locked_until = now() + $2
              FROM due, agentops_webhooks w
             WHERE d.delivery_id = due.delivery_id AND w.webhook_id = d.webhook_id
            RETURNING d.delivery_id, d.webhook_id, d.event_type, d.payload, d.attempts, w.url, w.secret, w.format
            """);
        command.Parameters.AddWithValue(limit);
        command.Parameters.AddWithValue(lease);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var claimed = new List<DueDelivery>();
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new DueDelivery(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                reader.GetString(5), secrets.Unprotect(reader.GetGuid(1), reader.GetString(6)), reader.GetString(7)));
        }
        return claimed;
    }

    /// <summary>Records a 2xx answer; false when the lease was lost (another attempt began) and nothing was recorded.</summary>
    public async Task<bool> MarkDeliveredAsync(DueDelivery delivery, int statusCode, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE agentops_webhook_deliveries
               SET status = 'delivered', delivered_at = now(), last_status_code = $3, last_error = NULL, locked_until = NULL
             WHERE delivery_id = $1 AND attempts = $2 AND status = 'pending'
            """);
        command.Parameters.AddWithValue(delivery.Id);
        command.Parameters.AddWithValue(delivery.Attempt);
        command.Parameters.AddWithValue(statusCode);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Records a failed attempt: tried again after <paramref name="retryAfter"/>, or failed for good after the last attempt.</summary>
    public async Task<bool> MarkFailedAsync(DueDelivery delivery, int? statusCode, string error, bool final, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE agentops_webhook_deliveries
               SET status = CASE WHEN $5 THEN 'failed' ELSE 'pending' END, next_attempt_at = now() + $6,
                   last_status_code = $3, last_error = $4, locked_until = NULL
             WHERE delivery_id = $1 AND attempts = $2 AND status = 'pending'
            """);
        command.Parameters.AddWithValue(delivery.Id);
        command.Parameters.AddWithValue(delivery.Attempt);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)statusCode ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = error, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(final);
        command.Parameters.AddWithValue(retryAfter);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static Webhook ReadWebhook(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), [.. r.GetFieldValue<string[]>(2)], r.GetString(3), r.GetBoolean(4), r.GetString(5), Utc(r.GetDateTime(6)));

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
