using System.Collections.Immutable;
using System.Runtime.InteropServices;
using AgentOps.Common;
using AgentOps.Hosting;
using AgentOps.Warehouses;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentOps.Inventory;

/// <summary>
/// One shard of the store's inventory view. It is a cache: warehouses hold the truth. Changes are written behind on a
/// short timer instead of on every shipment, so a crash can lose the last ones: every activation therefore reads the
/// warehouses' stock again, and every entry keeps the time of its value, so an older update never overwrites a newer one
/// (updates from different shipments and from reconciliation arrive in any order).
/// </summary>
public sealed class InventoryCacheGrain(
    [PersistentState("inventory-cache", StorageNames.Store)] IPersistentState<InventoryCacheState> state,
    IOptions<BookstoreOptions> options,
    TimeProvider clock,
    ILogger<InventoryCacheGrain> logger) : Grain, IInventoryCacheGrain
{
    private bool _dirty;
    private IGrainTimer? _refresh;
    // Each book's answer, built once per change instead of sorted again on every catalog read.
    private readonly Dictionary<Guid, BookInventory> _snapshots = [];

    private int Shard => (int)this.GetPrimaryKeyLong();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var period = options.Value.CacheFlushPeriod;
        this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(period, period) { Interleave = false });
        // Interleaved, so that shipments recording into this shard are never held up by the warehouses it reads.
        _refresh = this.RegisterGrainTimer(RefreshAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true });
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => FlushAsync(cancellationToken);

    public Task<BookInventory> GetAsync(Guid bookId) => Task.FromResult(Snapshot(bookId));

    public Task<ImmutableArray<BookInventory>> GetManyAsync(ImmutableArray<Guid> bookIds)
    {
        var books = new BookInventory[bookIds.Length];
        for (var i = 0; i < books.Length; i++) books[i] = Snapshot(bookIds[i]);
        return Task.FromResult(ImmutableCollectionsMarshal.AsImmutableArray(books));
    }

    public Task<ImmutableArray<BookInventory>> GetAllAsync() =>
        Task.FromResult(state.State.Books.Keys.Select(Snapshot).ToImmutableArray());

    public Task RecordAsync(string warehouse, ImmutableArray<StockLine> lines, DateTimeOffset at)
    {
        foreach (var line in lines) SetIfNewer(line.BookId, warehouse, line.Quantity, at);
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<InventoryDrift>> ReconcileAsync(string warehouse, ImmutableArray<StockLine> actual, DateTimeOffset at)
    {
        var drifts = ImmutableArray.CreateBuilder<InventoryDrift>();
        var seen = new HashSet<Guid>();
        foreach (var line in actual)
        {
            seen.Add(line.BookId);
            var cached = state.State.Books.GetValueOrDefault(line.BookId)?.GetValueOrDefault(warehouse);
            if (cached is not null && cached.LastSynced > at)
            {
                continue; // A shipment after the warehouse was read is newer than what reconciliation saw.
            }
            if (cached?.Quantity != line.Quantity)
            {
                drifts.Add(new InventoryDrift(line.BookId, warehouse, cached?.Quantity, line.Quantity));
            }
            SetIfNewer(line.BookId, warehouse, line.Quantity, at);
        }
        // A book the cache believes this warehouse holds, but the warehouse no longer lists, is drift too.
        foreach (var (bookId, byWarehouse) in state.State.Books)
        {
            if (!seen.Contains(bookId) && byWarehouse.TryGetValue(warehouse, out var stale) && stale.Quantity != 0 && stale.LastSynced <= at)
            {
                drifts.Add(new InventoryDrift(bookId, warehouse, stale.Quantity, 0));
                byWarehouse[warehouse] = new WarehouseStock(warehouse, 0, at);
                _snapshots.Remove(bookId);
                _dirty = true;
            }
        }
        return Task.FromResult(drifts.ToImmutable());
    }

    /// <summary>Reads this shard's books from every registered warehouse: what the crash of a write-behind cache lost comes back.</summary>
    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        _refresh?.Dispose();
        try
        {
            var registrations = await GrainFactory.GetGrain<IWarehouseRegistryGrain>(0).ListAsync();
            foreach (var registration in registrations)
            {
                // Taken before the read: anything the warehouse did after it arrives as a newer update.
                var at = clock.GetUtcNow();
                var stock = await GrainFactory.GetGrain<IWarehouseGrain>(registration.Name).GetStockAsync();
                foreach (var line in stock)
                {
                    if (InventoryShards.For(line.BookId) == Shard) SetIfNewer(line.BookId, registration.Name, line.Quantity, at);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A cache: the reconciliation reminder repairs what this could not.
            logger.LogWarning(e, "Inventory cache shard {Shard} could not read the warehouses' stock after activation", Shard);
        }
    }

    private void SetIfNewer(Guid bookId, string warehouse, int quantity, DateTimeOffset at)
    {
        if (!state.State.Books.TryGetValue(bookId, out var byWarehouse))
        {
            state.State.Books[bookId] = byWarehouse = new Dictionary<string, WarehouseStock>(StringComparer.Ordinal);
        }
        if (byWarehouse.TryGetValue(warehouse, out var current) && current.LastSynced > at) return;
        byWarehouse[warehouse] = new WarehouseStock(warehouse, quantity, at);
        _snapshots.Remove(bookId);
        _dirty = true;
    }

    private BookInventory Snapshot(Guid bookId)
    {
        if (_snapshots.TryGetValue(bookId, out var known)) return known;
        if (!state.State.Books.TryGetValue(bookId, out var byWarehouse)) return new BookInventory(bookId, []);
        var stock = byWarehouse.Values.ToArray();
        Array.Sort(stock, static (a, b) => string.CompareOrdinal(a.Warehouse, b.Warehouse));
        return _snapshots[bookId] = new BookInventory(bookId, ImmutableCollectionsMarshal.AsImmutableArray(stock));
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (!_dirty) return;
        _dirty = false;
        await state.WriteOrDiscardAsync(GrainContext, logger);
    }
}
