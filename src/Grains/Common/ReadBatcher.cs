using System.Threading.Channels;

namespace AgentOps.Common;

/// <summary>
/// Reads by key that wait together go to storage as one query: while one batch is read, the next gathers. Used where
/// every new grain reads its (usually absent) row on activation: one SELECT each was a large part of the CPU per order,
/// run or call (Npgsql's per-command work). A failed query fails every read of its batch, as each alone would have.
/// </summary>
public sealed class ReadBatcher<TKey, TRow> : IAsyncDisposable where TKey : notnull where TRow : class
{
    private sealed record Read(TKey Key, TaskCompletionSource<TRow?> Done);

    private readonly Func<IReadOnlyList<TKey>, Task<IReadOnlyDictionary<TKey, TRow>>> _readMany;
    private readonly int _maxBatch;
    private readonly Channel<Read> _reads = Channel.CreateUnbounded<Read>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    /// <param name="readMany">Reads the distinct keys given; a key without a row is left out of the answer.</param>
    public ReadBatcher(Func<IReadOnlyList<TKey>, Task<IReadOnlyDictionary<TKey, TRow>>> readMany, int maxBatch)
    {
        _readMany = readMany;
        _maxBatch = maxBatch;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The key's row, or null when it has none.</summary>
    public Task<TRow?> ReadAsync(TKey key)
    {
        var done = new TaskCompletionSource<TRow?>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_reads.Writer.TryWrite(new Read(key, done))) throw new InvalidOperationException("The store is shutting down.");
        return done.Task;
    }

    private async Task LoopAsync()
    {
        var batch = new List<Read>(_maxBatch);
        while (await _reads.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _reads.Reader.TryRead(out var read)) batch.Add(read);
            try
            {
                var found = await _readMany([.. batch.Select(r => r.Key).Distinct()]);
                foreach (var read in batch) read.Done.TrySetResult(found.GetValueOrDefault(read.Key));
            }
            catch (Exception e)
            {
                foreach (var read in batch) read.Done.TrySetException(e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reads.Writer.TryComplete();
        await _loop;
    }
}
