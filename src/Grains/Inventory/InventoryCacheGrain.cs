using System.Collections.Immutable;
using AgentOps.Hosting;
using AgentOps.Warehouses;
using Microsoft.Extensions.Options;

namespace AgentOps.Inventory;

/// <summary>
/// One shard of the store's inventory view. It is a cache: warehouses hold the truth and reconciliation
/// repairs any difference, so changes are written behind on a short timer instead of on every shipment.
/// </summary>
public sealed class InventoryCacheGrain(
    [PersistentState("inventory-cache", StorageNames.Store)] IPersistentState<InventoryCacheState> state,
    IOptions<BookstoreOptions> options) : Grain, IInventoryCacheGrain
{
    private bool _dirty;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var period = options.Value.CacheFlushPeriod;
        this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(period, period) { Interleave = false });
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => FlushAsync(cancellationToken);

    public Task<BookInventory> GetAsync(Guid bookId) => Task.FromResult(Snapshot(bookId));

    public Task<ImmutableArray<BookInventory>> GetManyAsync(ImmutableArray<Guid> bookIds) =>
        Task.FromResult(bookIds.Select(Snapshot).ToImmutableArray());

    public Task<ImmutableArray<BookInventory>> GetAllAsync() =>
        Task.FromResult(state.State.Books.Keys.Select(Snapshot).ToImmutableArray());

    public Task RecordAsync(string warehouse, ImmutableArray<StockLine> lines, DateTimeOffset at)
    {
        foreach (var line in lines) Set(line.BookId, warehouse, line.Quantity, at);
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
            Set(line.BookId, warehouse, line.Quantity, at);
        }
        // A book the cache believes this warehouse holds, but the warehouse no longer lists, is drift too.
        foreach (var (bookId, byWarehouse) in state.State.Books)
        {
            if (!seen.Contains(bookId) && byWarehouse.TryGetValue(warehouse, out var stale) && stale.Quantity != 0 && stale.LastSynced <= at)
            {
                drifts.Add(new InventoryDrift(bookId, warehouse, stale.Quantity, 0));
                byWarehouse[warehouse] = new WarehouseStock(warehouse, 0, at);
                _dirty = true;
            }
        }
        return Task.FromResult(drifts.ToImmutable());
    }

    private void Set(Guid bookId, string warehouse, int quantity, DateTimeOffset at)
    {
        if (!state.State.Books.TryGetValue(bookId, out var byWarehouse))
        {
            state.State.Books[bookId] = byWarehouse = new Dictionary<string, WarehouseStock>(StringComparer.Ordinal);
        }
        byWarehouse[warehouse] = new WarehouseStock(warehouse, quantity, at);
        _dirty = true;
    }

    private BookInventory Snapshot(Guid bookId) => new(bookId,
        state.State.Books.TryGetValue(bookId, out var byWarehouse)
            ? [.. byWarehouse.Values.OrderBy(w => w.Warehouse, StringComparer.Ordinal)]
            : []);

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (!_dirty) return;
        _dirty = false;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            _dirty = true;
            throw;
        }
    }
}
