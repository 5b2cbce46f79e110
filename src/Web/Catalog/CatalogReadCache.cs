using System.Collections.Immutable;
using AgentOps.Catalog;

namespace AgentOps.Web.Catalog;

/// <summary>
/// The catalog as the front door reads it: a snapshot taken from the catalog grain and kept for a second, so that
/// catalog reads are served from this process instead of all queueing at the one catalog activation. Changes
/// made through this process invalidate it at once; changes made elsewhere show within a second.
/// </summary>
public sealed class CatalogReadCache(IGrainFactory grains, TimeProvider clock)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);

    public sealed record Snapshot(ImmutableArray<Book> Active, IReadOnlyDictionary<Guid, Book> ById, DateTimeOffset TakenAt);

    private Snapshot? _snapshot;
    private Task<Snapshot>? _refreshing;
    private readonly Lock _lock = new();

    public Task<Snapshot> GetAsync()
    {
        var snapshot = _snapshot;
        if (snapshot is not null && clock.GetUtcNow() - snapshot.TakenAt < Freshness) return Task.FromResult(snapshot);
        lock (_lock)
        {
            // One refresh at a time; everyone else waits for it.
            return _refreshing ??= RefreshAsync();
        }
    }

    public void Invalidate()
    {
        lock (_lock)
        {
            _snapshot = null;
        }
    }

    private async Task<Snapshot> RefreshAsync()
    {
        try
        {
            var all = await grains.GetGrain<ICatalogGrain>(0).ListAsync(includeInactive: true);
            var snapshot = new Snapshot([.. all.Where(b => b.IsActive)], all.ToDictionary(b => b.Id), clock.GetUtcNow());
            _snapshot = snapshot;
            return snapshot;
        }
        finally
        {
            lock (_lock)
            {
                _refreshing = null;
            }
        }
    }
}
