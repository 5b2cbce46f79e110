using System.Collections.Immutable;
using AgentOps.Catalog;

namespace AgentOps.Web.Catalog;

/// <summary>
/// The catalog as the front door reads it: a snapshot taken from the catalog grain and kept for a second, so that
/// catalog reads are served from this process instead of all queueing at the one catalog activation. Changes
/// made through this process invalidate it at once; changes made elsewhere show within a second. A snapshot past half
/// its freshness is refreshed in the background while it still answers: with 10,000 books a refresh takes tens of
/// milliseconds, and every read that waited for it was the reads' p99.
/// </summary>
public sealed class CatalogReadCache(IGrainFactory grains, TimeProvider clock)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);

    public sealed record Snapshot(ImmutableArray<Book> Active, IReadOnlyDictionary<Guid, Book> ById, DateTimeOffset TakenAt);

    private Snapshot? _snapshot;
    private Task<Snapshot>? _refreshing;
    private long _refreshingGeneration;
    // Bumped by every invalidation: a refresh that began before it must not bring back what it invalidated.
    private long _generation;
    private readonly Lock _lock = new();

    public Task<Snapshot> GetAsync()
    {
        lock (_lock)
        {
            var age = _snapshot is { } taken ? clock.GetUtcNow() - taken.TakenAt : TimeSpan.MaxValue;
            if (age < Freshness)
            {
                if (age >= Freshness / 2) StartRefresh();
                return Task.FromResult(_snapshot!);
            }
            return StartRefresh();
        }
    }

    /// <summary>One refresh at a time, joined only while it runs and only if nothing was invalidated since it began.</summary>
    private Task<Snapshot> StartRefresh()
    {
        if (_refreshing is { IsCompleted: false } running && _refreshingGeneration == _generation) return running;
        _refreshingGeneration = _generation;
        var refresh = _refreshing = RefreshAsync(_generation);
        // A background refresh nobody awaits may fail (the catalog grain is moving): the next read past freshness retries.
        refresh.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return refresh;
    }

    public void Invalidate()
    {
        lock (_lock)
        {
            _generation++;
            _snapshot = null;
        }
    }

    private async Task<Snapshot> RefreshAsync(long generation)
    {
        // Never completes inside GetAsync's lock, so the task stored there is always the one that runs.
        await Task.Yield();
        var all = await grains.GetGrain<ICatalogGrain>(0).ListAsync(includeInactive: true);
        var snapshot = new Snapshot([.. all.Where(b => b.IsActive)], all.ToDictionary(b => b.Id), clock.GetUtcNow());
        lock (_lock)
        {
            if (generation == _generation) _snapshot = snapshot;
        }
        return snapshot;
    }
}
