using System.Collections.Immutable;
using System.Text.Json;
using System.Threading.Channels;
using AgentOps.Agents;
using AgentOps.Common;
using AgentOps.Governance;
using Npgsql;
using NpgsqlTypes;

namespace AgentOps.Journal;

/// <summary>
/// The journal in PostgreSQL (tables of <c>Schema/005_agent_journal.sql</c>). Appends from every run on this silo are
/// group-committed: whatever is waiting when the writer is free goes in one batch, one implicit transaction and one
/// round trip, so that many runs share a WAL flush. A batch that fails is written again one append at a time, so
/// that an append whose events are taken (a retry after a lost acknowledgement, or a conflict) is told apart and
/// does not fail the appends batched with it. Reads (one per run activation, i.e. per new run) are batched the same
/// way: whatever runs are waiting are read in one query.
/// </summary>
public sealed class PostgresRunJournalStore : IRunJournalStore, IAsyncDisposable
{
    private const string UniqueViolation = "23505";
    private const int MaxBatch = 200;

    private sealed record Append(IReadOnlyList<JournalEntry> Entries, RunSummary Summary, IReadOnlyList<AuditEntry> Audit, TaskCompletionSource<bool> Done);

    private readonly NpgsqlDataSource _dataSource;
    private readonly Channel<Append> _appends = Channel.CreateUnbounded<Append>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    private readonly ReadBatcher<Guid, List<StoredRow>> _reads;

    public PostgresRunJournalStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
        _writer = Task.Run(WriteLoopAsync);
        _reads = new ReadBatcher<Guid, List<StoredRow>>(ReadManyAsync, MaxBatch);
    }

    public async Task<IReadOnlyList<JournalEntry>> ReadAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var rows = await _reads.ReadAsync(runId).WaitAsync(cancellationToken);
        // Decoded here, per run: a damaged journal fails its own read, not the others read with it.
        return rows is null ? [] : Entries(runId, rows);
    }

    private sealed record StoredRow(Guid Id, int Sequence, string Type, string Payload, DateTimeOffset At);

    private static List<JournalEntry> Entries(Guid runId, List<StoredRow> rows)
    {
        var entries = new List<JournalEntry>(rows.Count);
        foreach (var row in rows)
        {
            if (row.Sequence != entries.Count + 1)
                throw new InvalidOperationException($"The journal of run {runId} has a gap before sequence {row.Sequence}.");
            using var payload = JsonDocument.Parse(row.Payload);
            entries.Add(new JournalEntry(row.Id, runId, row.Sequence, row.At, JournalCodec.FromPayload(row.Type, payload.RootElement)));
        }
        return entries;
    }

    private async Task<IReadOnlyDictionary<Guid, List<StoredRow>>> ReadManyAsync(IReadOnlyList<Guid> runIds)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT run_id, event_id, sequence, event_type, payload::text, created_at FROM agentops_run_journal WHERE run_id = ANY($1) ORDER BY run_id, sequence");
        command.Parameters.AddWithValue(runIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<Guid, List<StoredRow>>();
        while (await reader.ReadAsync())
        {
            var runId = reader.GetGuid(0);
            if (!rows.TryGetValue(runId, out var list)) rows[runId] = list = [];
            list.Add(new StoredRow(reader.GetGuid(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4), new DateTimeOffset(reader.GetDateTime(5), TimeSpan.Zero)));
        }
        return rows;
    }

    public Task<bool> AppendAsync(IReadOnlyList<JournalEntry> entries, RunSummary summary, IReadOnlyList<AuditEntry>? audit = null,
        CancellationToken cancellationToken = default)
    {
        if (entries.Count == 0) return Task.FromResult(true);
        cancellationToken.ThrowIfCancellationRequested();
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_appends.Writer.TryWrite(new Append(entries, summary, audit ?? [], done))) throw new InvalidOperationException("The journal store is shutting down.");
        return done.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Append>(MaxBatch);
        while (await _appends.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _appends.Reader.TryRead(out var append)) batch.Add(append);
            try
            {
                if (batch.Count == 1)
                {
                    batch[0].Done.TrySetResult(await AppendAloneAsync(batch[0]));
                    continue;
                }
                await using (var commands = _dataSource.CreateBatch())
                {
                    AddCommands(commands.BatchCommands, batch);
                    await commands.ExecuteNonQueryAsync();
                }
                foreach (var append in batch) append.Done.TrySetResult(true);
            }
            catch (Exception) when (batch.Count > 1)
            {
                // Nothing of the batch is stored (one transaction): each append again on its own, with its own answer.
                foreach (var append in batch)
                {
                    try
                    {
                        append.Done.TrySetResult(await AppendAloneAsync(append));
                    }
                    catch (Exception e)
                    {
                        append.Done.TrySetException(e);
                    }
                }
            }
            catch (Exception e)
            {
                batch[0].Done.TrySetException(e);
            }
        }
    }

    /// <summary>
    /// The statements of appends committed together: all their events in one insert and each run's newest row in one
    /// upsert (a statement per event and per append was most of PostgreSQL's time per run), then each append's audit
    /// rows (hash-chained, one by one) and webhook deliveries, which read the events inserted before them.
    /// </summary>
    private static void AddCommands(NpgsqlBatchCommandCollection commands, IReadOnlyList<Append> appends)
    {
        var entries = appends.SelectMany(a => a.Entries).ToList();
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO agentops_run_journal (run_id, sequence, event_id, event_type, payload, created_at)
            SELECT r, s, e, t, p::json, c FROM unnest($1::uuid[], $2::integer[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[]) AS u(r, s, e, t, p, c)
            """);
        insert.Parameters.Add(Array(entries.Select(e => e.RunId).ToArray(), NpgsqlDbType.Uuid));
        insert.Parameters.Add(Array(entries.Select(e => e.Sequence).ToArray(), NpgsqlDbType.Integer));
        insert.Parameters.Add(Array(entries.Select(e => e.Id).ToArray(), NpgsqlDbType.Uuid));
        insert.Parameters.Add(Array(entries.Select(e => JournalCodec.TypeOf(e.Event)).ToArray(), NpgsqlDbType.Text));
        insert.Parameters.Add(Array(entries.Select(e => JournalCodec.ToPayload(e.Event).ToJsonString()).ToArray(), NpgsqlDbType.Text));
        insert.Parameters.Add(Array(entries.Select(e => e.CreatedAt.UtcDateTime).ToArray(), NpgsqlDbType.TimestampTz));
        commands.Add(insert);

        // One row per run (an upsert may not touch a row twice): the run's last append in the batch carries its newest state.
        var newest = new Dictionary<Guid, (RunSummary Summary, int Version)>();
        foreach (var append in appends) newest[append.Summary.Id] = (append.Summary, append.Entries[^1].Sequence);
        commands.Add(UpsertSummaries([.. newest.Values]));

        foreach (var append in appends)
        {
            foreach (var row in append.Audit)
            {
                var audit = new NpgsqlBatchCommand("SELECT agentops_audit_append($1, $2, $3, $4, $5)");
                audit.Parameters.AddWithValue(row.RunId);
                audit.Parameters.Add(new NpgsqlParameter { Value = row.CallId, NpgsqlDbType = NpgsqlDbType.Varchar });
                audit.Parameters.Add(new NpgsqlParameter { Value = row.Kind, NpgsqlDbType = NpgsqlDbType.Varchar });
                audit.Parameters.Add(new NpgsqlParameter { Value = row.Record, NpgsqlDbType = NpgsqlDbType.Text });
                audit.Parameters.AddWithValue(row.EventId);
                commands.Add(audit);
            }
            Notifications.WebhookOutbox.AddCommands(commands, append.Entries, append.Summary);
        }
    }

    private static NpgsqlParameter Array<T>(T[] values, NpgsqlDbType elementType) =>
        new() { Value = values, NpgsqlDbType = NpgsqlDbType.Array | elementType };

    public async Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(Guid? runId, string? callId, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand($"""
            SELECT {AuditColumns} FROM agentops_approval_audit
             WHERE seq > $1 AND ($2::uuid IS NULL OR run_id = $2) AND ($3::varchar IS NULL OR call_id = $3)
             ORDER BY seq LIMIT $4
            """);
        command.Parameters.AddWithValue(afterSequence);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)runId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)callId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        command.Parameters.AddWithValue(limit);
        return await ReadAuditRowsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadAuditBetweenAsync(DateTimeOffset from, DateTimeOffset to, long afterSequence, int limit,
        CancellationToken cancellationToken = default)
    {
        // agentops_approval_audit_at (schema 014) makes the period a range scan instead of the whole chain.
        await using var command = _dataSource.CreateCommand($"""
            SELECT {AuditColumns} FROM agentops_approval_audit
             WHERE at >= $1 AND at < $2 AND seq > $3
             ORDER BY seq LIMIT $4
            """);
        command.Parameters.AddWithValue(from.UtcDateTime);
        command.Parameters.AddWithValue(to.UtcDateTime);
        command.Parameters.AddWithValue(afterSequence);
        command.Parameters.AddWithValue(limit);
        return await ReadAuditRowsAsync(command, cancellationToken);
    }

    private const string AuditColumns = "seq, run_id, call_id, kind, record, prev_hash, row_hash, at";

    private static async Task<IReadOnlyList<AuditRecord>> ReadAuditRowsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<AuditRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new AuditRecord(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.IsDBNull(7) ? null : new DateTimeOffset(reader.GetDateTime(7), TimeSpan.Zero)));
        }
        return rows;
    }

    /// <summary>One append in its own transaction; false when its sequences are taken by other events.</summary>
    private async Task<bool> AppendAloneAsync(Append append)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        try
        {
            await using var commands = new NpgsqlBatch(connection);
            AddCommands(commands.BatchCommands, [append]);
            await commands.ExecuteNonQueryAsync();
            return true;
        }
        catch (PostgresException e) when (e.SqlState == UniqueViolation)
        {
            // Taken: by these very events (the commit went through but its acknowledgement was lost, and this is the
            // retry) — success; or by other events — a conflict the caller resolves by reading the journal.
            return JournalAppends.AlreadyStored(append.Entries, await StoredIdsAsync(connection, append.Entries));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _appends.Writer.TryComplete();
        await _writer;
        await _reads.DisposeAsync();
    }

    private static async Task<List<(int Sequence, Guid Id)>> StoredIdsAsync(NpgsqlConnection connection, IReadOnlyList<JournalEntry> entries)
    {
        await using var command = new NpgsqlCommand(
            "SELECT sequence, event_id FROM agentops_run_journal WHERE run_id = $1 AND sequence >= $2 AND sequence <= $3", connection);
        command.Parameters.AddWithValue(entries[0].RunId);
        command.Parameters.AddWithValue(entries[0].Sequence);
        command.Parameters.AddWithValue(entries[^1].Sequence);
        await using var reader = await command.ExecuteReaderAsync();
        var stored = new List<(int, Guid)>();
        while (await reader.ReadAsync()) stored.Add((reader.GetInt32(0), reader.GetGuid(1)));
        return stored;
    }

    public async Task<RunPage> ListAsync(RunQuery query, CancellationToken cancellationToken = default)
    {
        const string filter = """
             WHERE ($1::varchar IS NULL OR user_id = $1)
               AND ($2::varchar IS NULL OR status = $2)
               AND (($3::uuid IS NULL AND parent_run_id IS NULL) OR parent_run_id = $3)
            """;
        await using var batch = _dataSource.CreateBatch();
        var list = new NpgsqlBatchCommand($"SELECT {Columns} FROM agentops_runs {filter} ORDER BY created_at DESC, run_id LIMIT $4 OFFSET $5");
        var count = new NpgsqlBatchCommand($"SELECT count(*) FROM agentops_runs {filter}");
        foreach (var command in new[] { list, count })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.UserId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
            command.Parameters.Add(new NpgsqlParameter { Value = query.Status is { } s ? JournalCodec.Name(s) : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.ParentRunId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        }
        list.Parameters.AddWithValue(query.Limit);
        list.Parameters.AddWithValue(query.Offset);
        batch.BatchCommands.Add(list);
        batch.BatchCommands.Add(count);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var runs = ImmutableArray.CreateBuilder<RunSummary>();
        while (await reader.ReadAsync(cancellationToken)) runs.Add(ReadSummary(reader));
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new RunPage(runs.ToImmutable(), (int)reader.GetInt64(0));
    }

    public async Task<ApprovalPage> ListPendingApprovalsAsync(ApprovalQuery query, CancellationToken cancellationToken = default)
    {
        const string filter = "WHERE pending_call_id IS NOT NULL AND ($1::varchar IS NULL OR user_id = $1)";
        await using var batch = _dataSource.CreateBatch();
        var list = new NpgsqlBatchCommand($"SELECT pending_approval::text FROM agentops_runs {filter} ORDER BY updated_at, run_id LIMIT $2 OFFSET $3");
        var count = new NpgsqlBatchCommand($"SELECT count(*) FROM agentops_runs {filter}");
        foreach (var command in new[] { list, count })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.UserId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        }
        list.Parameters.AddWithValue(query.Limit);
        list.Parameters.AddWithValue(query.Offset);
        batch.BatchCommands.Add(list);
        batch.BatchCommands.Add(count);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var pending = ImmutableArray.CreateBuilder<PendingApproval>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pending.Add(JsonSerializer.Deserialize<PendingApproval>(reader.GetString(0))!);
        }
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new ApprovalPage(pending.ToImmutable(), (int)reader.GetInt64(0));
    }

    public async Task<UserRunLoad> LoadOfAsync(string userId, CancellationToken cancellationToken = default)
    {
        // Only unfinished rows: the partial index of Schema/008 keeps this cheap however many runs the user has had.
        await using var command = _dataSource.CreateCommand("""
            SELECT count(*) FILTER (WHERE parent_run_id IS NULL), count(*) FILTER (WHERE pending_call_id IS NOT NULL)
              FROM agentops_runs
             WHERE user_id = $1 AND status IN ('pending', 'running', 'suspended')
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = userId, NpgsqlDbType = NpgsqlDbType.Varchar });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new UserRunLoad((int)reader.GetInt64(0), (int)reader.GetInt64(1));
    }

    public async Task<IReadOnlyList<Guid>> ListStalledAsync(DateTimeOffset before, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("""
            SELECT run_id FROM agentops_runs
             WHERE (status IN ('pending', 'running') AND updated_at < $1)
                OR (status = 'suspended' AND pending_call_id IS NULL AND updated_at < $1)
                OR (status = 'suspended' AND pending_call_id IS NOT NULL AND (pending_approval ->> 'ExpiresAt')::timestamptz <= $2)
                OR (status = 'suspended' AND pending_call_id IS NOT NULL AND (pending_approval ->> 'EscalateAt')::timestamptz <= $2)
             ORDER BY updated_at LIMIT $3
            """);
        command.Parameters.AddWithValue(before.UtcDateTime);
        command.Parameters.AddWithValue(now.UtcDateTime);
        command.Parameters.AddWithValue(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetGuid(0));
        return ids;
    }

    private const string Columns =
        "run_id, parent_run_id, root_run_id, agent_type, user_id, prompt, status, steps, created_at, updated_at, summary, pending_approval::text, requested_by";

    private static RunSummary ReadSummary(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.IsDBNull(1) ? null : r.GetGuid(1), r.GetGuid(2), r.GetString(3), r.GetString(4), r.GetString(5),
        JournalCodec.ParseStatus(r.GetString(6)), r.GetInt32(7),
        new DateTimeOffset(r.GetDateTime(8), TimeSpan.Zero), new DateTimeOffset(r.GetDateTime(9), TimeSpan.Zero),
        r.IsDBNull(10) ? null : r.GetString(10),
        r.IsDBNull(11) ? null : JsonSerializer.Deserialize<PendingApproval>(r.GetString(11)),
        r.IsDBNull(12) ? null : r.GetString(12));

    private static NpgsqlBatchCommand UpsertSummaries(IReadOnlyList<(RunSummary Summary, int Version)> rows)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO agentops_runs (run_id, parent_run_id, root_run_id, agent_type, user_id, prompt, status, steps, version,
                                       summary, pending_call_id, pending_approval, created_at, updated_at, requested_by)
            SELECT id, parent, root, agent, usr, prompt, status, steps, version, summary, pending_call, pending::jsonb, created, updated, requester
              FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::integer[], $9::integer[],
                          $10::text[], $11::text[], $12::text[], $13::timestamptz[], $14::timestamptz[], $15::text[])
                AS u(id, parent, root, agent, usr, prompt, status, steps, version, summary, pending_call, pending, created, updated, requester)
            ON CONFLICT (run_id) DO UPDATE SET status = excluded.status, steps = excluded.steps, version = excluded.version,
                summary = excluded.summary, pending_call_id = excluded.pending_call_id,
                pending_approval = excluded.pending_approval, updated_at = excluded.updated_at
            """);
        command.Parameters.Add(Array(rows.Select(r => r.Summary.Id).ToArray(), NpgsqlDbType.Uuid));
        command.Parameters.Add(Array(rows.Select(r => r.Summary.ParentRunId).ToArray(), NpgsqlDbType.Uuid));
        command.Parameters.Add(Array(rows.Select(r => r.Summary.RootRunId).ToArray(), NpgsqlDbType.Uuid));
        command.Parameters.Add(Array(rows.Select(r => r.Summary.AgentType).ToArray(), NpgsqlDbType.Text));
        command.Parameters.Add(Array(rows.Select(r => r.Summary.UserId).ToArray(), NpgsqlDbType.Text));
        command.Parameters.Add(Array(rows.Select(r => r.Summary.Prompt).ToArray(), NpgsqlDbType.Text));
        command.Parameters.Add(Array(rows.Select(r => JournalCodec.Name(r.Summary.Status)).ToArray(), NpgsqlDbType.Text));
        command.Parameters.Add(Array(rows.Select(r => r.Summary.Steps).ToArray(), NpgsqlDbType.Integer));
        command.Parameters.Add(Array(rows.Select(r => r.Version).ToArray(), NpgsqlDbType.Integer));
        command.Parameters.Add(Array(rows.Select(r => r.Summary.Summary).ToArray(), NpgsqlDbType.Text));
        command.Parameters.Add(Array(rows.Select(r => r.Summary.PendingApproval?.CallId).ToArray(), NpgsqlDbType.Text));
        command.Parameters.Add(Array(rows.Select(r => r.Summary.PendingApproval is { } p ? JsonSerializer.Serialize(p) : null).ToArray(), NpgsqlDbType.Text));
        command.Parameters.Add(Array(rows.Select(r => r.Summary.CreatedAt.UtcDateTime).ToArray(), NpgsqlDbType.TimestampTz));
        command.Parameters.Add(Array(rows.Select(r => r.Summary.UpdatedAt.UtcDateTime).ToArray(), NpgsqlDbType.TimestampTz));
        command.Parameters.Add(Array(rows.Select(r => r.Summary.RequestedBy).ToArray(), NpgsqlDbType.Text));
        return command;
    }
}
