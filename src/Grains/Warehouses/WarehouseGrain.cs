using System.Collections.Immutable;
using AgentOps.Common;
using AgentOps.Hosting;
using AgentOps.Inventory;
using AgentOps.OpsEvents;
using Microsoft.Extensions.Options;

namespace AgentOps.Warehouses;

/// <summary>
/// A warehouse's stock and shipment log. Shipping runs in one grain turn: stock is checked and taken together,
/// persisted before the confirmation is returned, and never goes below zero.
/// </summary>
public sealed class WarehouseGrain(
    [PersistentState("warehouse", StorageNames.Store)] IPersistentState<WarehouseState> state,
    IOptions<BookstoreOptions> options,
    TimeProvider clock) : Grain, IWarehouseGrain
{
    private string Name => this.GetPrimaryKeyString();

    public Task<WarehouseSnapshot> GetSnapshotAsync() => Task.FromResult(new WarehouseSnapshot(
        Name, state.State.Fault, state.State.Stock.Count, state.State.Stock.Values.Sum(), state.State.Shipments.Count));

    public async Task<DateTimeOffset> PingAsync()
    {
        await ApplyFaultAsync();
        return clock.GetUtcNow();
    }

    public Task<ImmutableArray<StockLine>> GetStockAsync() =>
        Task.FromResult(state.State.Stock.Select(kv => new StockLine(kv.Key, kv.Value)).ToImmutableArray());

    public Task<StockLine?> GetBookStockAsync(Guid bookId) =>
        Task.FromResult(state.State.Stock.TryGetValue(bookId, out var quantity) ? new StockLine(bookId, quantity) : null);

    public async Task<OperationError?> SetStockAsync(ImmutableArray<StockLine> lines, string changedBy, string? operationId = null)
    {
        if (state.State.Operations.TryGet(operationId, out _)) return null;
        if (StockLedger.ValidateStockLevels(lines, options.Value.MaxStockPerBook) is { } invalid) return invalid;
        var previous = new Dictionary<Guid, int>(state.State.Stock);
        foreach (var line in lines) state.State.Stock[line.BookId] = line.Quantity;
        state.State.Operations.Record(operationId, "set");
        await WriteOrRollbackAsync(() =>
        {
            state.State.Stock = previous;
            state.State.Operations.Forget(operationId);
        });
        await RecordInCacheAsync(lines);
        return null;
    }

    public async Task<int> SeedStockAsync(ImmutableArray<StockLine> lines)
    {
        var added = lines.Where(l => state.State.Stock.TryAdd(l.BookId, l.Quantity)).ToImmutableArray();
        if (added.IsEmpty) return 0;
        await WriteOrRollbackAsync(() => { foreach (var l in added) state.State.Stock.Remove(l.BookId); });
        await RecordInCacheAsync(added);
        return added.Length;
    }

    public async Task<ShipmentOutcome> ShipAsync(ShipmentRequest request)
    {
        // Idempotency comes first: a repeated instruction is answered even while a fault is active.
        if (state.State.Shipments.TryGetValue(request.OrderId, out var earlier))
        {
            return new ShipmentOutcome(earlier, null);
        }
        if (StockLedger.ValidateShipment(request.Items, options.Value.MaxStockPerBook) is { } invalid)
        {
            return new ShipmentOutcome(null, invalid);
        }
        try
        {
            await ApplyFaultAsync();
        }
        catch (WarehouseUnavailableException e)
        {
            return new ShipmentOutcome(null, Errors.Unavailable("warehouse.offline", e.Message));
        }

        var decision = StockLedger.Decide(state.State.Stock, request.Items);
        if (!decision.CanShip)
        {
            return new ShipmentOutcome(null, Errors.Conflict($"Warehouse {Name} does not hold the complete order.",
                decision.Shortages.ToDictionary(s => s.BookId.ToString(), s => $"short by {s.Quantity}")));
        }

        var confirmation = new ShipmentConfirmation(Guid.NewGuid(), request.OrderId, Name, request.Items, decision.Remaining, clock.GetUtcNow());
        var before = decision.Remaining.ToDictionary(l => l.BookId, l => state.State.Stock[l.BookId]);
        StockLedger.Apply(state.State.Stock, decision);
        state.State.Shipments[request.OrderId] = confirmation;
        await WriteOrRollbackAsync(() =>
        {
            foreach (var (bookId, quantity) in before) state.State.Stock[bookId] = quantity;
            state.State.Shipments.Remove(request.OrderId);
        });
        return new ShipmentOutcome(confirmation, null);
    }

    public Task<ImmutableArray<ShipmentConfirmation>> GetShipmentsAsync() =>
        Task.FromResult(state.State.Shipments.Values.OrderByDescending(s => s.ShippedAt).ToImmutableArray());

    public async Task SetFaultAsync(FaultKind kind, TimeSpan? delay, string setBy)
    {
        if (kind == FaultKind.None)
        {
            await ClearFaultAsync(setBy);
            return;
        }
        var previous = state.State.Fault;
        state.State.Fault = new WarehouseFault(kind, delay ?? options.Value.SlowFaultDelay, clock.GetUtcNow(), setBy);
        await WriteOrRollbackAsync(() => state.State.Fault = previous);
        await RecordEventAsync(OpsSeverity.Warning, "fault_injected", $"Fault '{kind.ToString().ToLowerInvariant()}' injected into warehouse {Name} by {setBy}.");
    }

    public async Task ClearFaultAsync(string clearedBy)
    {
        if (state.State.Fault is not { } previous) return;
        state.State.Fault = null;
        await WriteOrRollbackAsync(() => state.State.Fault = previous);
        await RecordEventAsync(OpsSeverity.Info, "fault_cleared", $"Fault cleared on warehouse {Name} by {clearedBy}.");
    }

    public async Task<bool> RestartAsync(string restartedBy, string operationId)
    {
        if (state.State.Operations.TryGet(operationId, out var earlier)) return earlier == "cleared";
        var previous = state.State.Fault;
        state.State.Fault = null;
        state.State.Operations.Record(operationId, previous is null ? "no_fault" : "cleared");
        await WriteOrRollbackAsync(() =>
        {
            state.State.Fault = previous;
            state.State.Operations.Forget(operationId);
        });
        if (previous is not null)
        {
            await RecordEventAsync(OpsSeverity.Info, "warehouse_restarted", $"Warehouse {Name} was restarted by {restartedBy}; fault '{previous.Kind.ToString().ToLowerInvariant()}' cleared.");
        }
        return previous is not null;
    }

    private async Task ApplyFaultAsync()
    {
        switch (state.State.Fault?.Kind)
        {
            case FaultKind.Offline:
                throw new WarehouseUnavailableException($"Warehouse {Name} is offline.");
            case FaultKind.Slow:
                await Task.Delay(state.State.Fault.Delay, clock);
                break;
        }
    }

    private async Task WriteOrRollbackAsync(Action rollback)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            rollback();
            throw;
        }
    }

    private Task RecordInCacheAsync(ImmutableArray<StockLine> lines)
    {
        var at = clock.GetUtcNow();
        return Task.WhenAll(lines.GroupBy(l => InventoryShards.For(l.BookId)).Select(shard =>
            GrainFactory.GetGrain<IInventoryCacheGrain>(shard.Key).RecordAsync(Name, [.. shard], at)));
    }

    private Task RecordEventAsync(OpsSeverity severity, string kind, string message) =>
        GrainFactory.GetGrain<IOpsEventLogGrain>(0).RecordAsync(new OpsEvent(Guid.NewGuid(), clock.GetUtcNow(),
            $"warehouse:{Name}", severity, kind, message, ImmutableDictionary<string, string>.Empty.Add("warehouse", Name)));
}
