using System.Collections.Immutable;
using AgentOps.Common;
using AgentOps.Hosting;
using AgentOps.Inventory;
using AgentOps.OpsEvents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentOps.Warehouses;

/// <summary>
/// A warehouse's stock and shipment log. A shipment checks and takes stock in one synchronous step (never below
/// zero) and is confirmed only once a state write containing it has completed. Shipments interleave so that many
/// can share one write (group commit); a failed write deactivates the grain, so memory that storage does not have
/// is thrown away and callers, who got an error, ask again.
/// </summary>
public sealed class WarehouseGrain(
    [PersistentState("warehouse", StorageNames.Store)] IPersistentState<WarehouseState> state,
    IShipmentLogStore shipmentLog,
    IOptions<BookstoreOptions> options,
    TimeProvider clock,
    ILogger<WarehouseGrain> logger) : Grain, IWarehouseGrain
{
    private const int ShipmentsShown = 1000;

    private IGrainTimer? _archiveTimer;
    private IGrainTimer? _announce;

    // Group commit: every change bumps _changes; a caller waits until a write that started after its change is done.
    private long _changes;
    private long _persisted;
    private Task? _writing;
    private bool _broken;

    // Shipment instructions being carried out, by order: a repeat joins the first instead of deciding again.
    private readonly Dictionary<Guid, Task<ShipmentOutcome>> _shipping = [];

    private string Name => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var period = options.Value.ShipmentArchivePeriod;
        // Interleaves with shipments (archiving is safe alongside them), so a busy warehouse still archives.
        _archiveTimer = this.RegisterGrainTimer(ArchiveAsync, new GrainTimerCreationOptions(period, period) { Interleave = true });
        // A previous activation may have died between a durable stock change and telling the store's cache: tell it now.
        _announce = this.RegisterGrainTimer(AnnounceStockAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _archiveTimer?.Dispose();
        try
        {
            await ArchiveAsync();
        }
        catch (Exception e)
        {
            // Nothing is lost: unarchived confirmations stay in the state and are archived by the next activation.
            logger.LogWarning(e, "Could not archive the shipments of warehouse {Warehouse} at deactivation", Name);
        }
    }

    /// <summary>Moves confirmations from the state to the shipment log: log first, then the smaller state.</summary>
    private async Task ArchiveAsync()
    {
        if (state.State.Shipments.Count == 0) return;
        var batch = state.State.Shipments.Values.ToList();
        // Only confirmations whose stock change is in storage may reach the log: a shipment found in the log is
        // replayed to its order as done, so archiving one whose write then failed would lose its stock change.
        await DurableAsync();
        await shipmentLog.AppendAsync(Name, batch);
        foreach (var c in batch) state.State.Shipments.Remove(c.OrderId);
        await PersistAsync();
    }

    public Task<WarehouseSnapshot> GetSnapshotAsync() => Task.FromResult(new WarehouseSnapshot(
        Name, state.State.Fault, state.State.Stock.Count, state.State.Stock.Values.Sum(q => (long)q), (int)Math.Min(int.MaxValue, state.State.ShippedCount)));

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
        if (state.State.Operations.TryGet(operationId, out _))
        {
            // The first call's write may still be under way (this method interleaves): answer once it is durable.
            await DurableAsync();
            return null;
        }
        if (StockLedger.ValidateStockLevels(lines, options.Value.MaxStockPerBook) is { } invalid) return invalid;
        foreach (var line in lines) state.State.Stock[line.BookId] = line.Quantity;
        state.State.Operations.Record(operationId, "set");
        await PersistAsync();
        await RecordInCacheAsync(lines);
        return null;
    }

    public async Task<int> SeedStockAsync(ImmutableArray<StockLine> lines)
    {
        var added = lines.Where(l => state.State.Stock.TryAdd(l.BookId, l.Quantity)).ToImmutableArray();
        if (added.IsEmpty) return 0;
        await PersistAsync();
        await RecordInCacheAsync(added);
        return added.Length;
    }

    public async Task<ShipmentOutcome> ShipAsync(ShipmentRequest request)
    {
        // This method interleaves, and a slow fault makes it wait: an instruction for an order whose shipment is
        // being carried out waits for that one and gets its answer, instead of passing the checks a second time.
        if (_shipping.TryGetValue(request.OrderId, out var running))
        {
            var first = await running;
            return first.Confirmation is null ? first : first with { Replayed = true };
        }
        var shipping = ShipOnceAsync(request);
        _shipping[request.OrderId] = shipping;
        try
        {
            return await shipping;
        }
        finally
        {
            if (_shipping.TryGetValue(request.OrderId, out var current) && current == shipping) _shipping.Remove(request.OrderId);
        }
    }

    private async Task<ShipmentOutcome> ShipOnceAsync(ShipmentRequest request)
    {
        // Idempotency comes first: a repeated instruction is answered even while a fault is active.
        if (state.State.Shipments.TryGetValue(request.OrderId, out var earlier))
        {
            // The first instruction's write may still be under way: confirm only what storage has.
            await DurableAsync();
            return new ShipmentOutcome(earlier, null, Replayed: true);
        }
        if (request.MayBeRepeat && await shipmentLog.FindAsync(Name, request.OrderId) is { } archived)
        {
            return new ShipmentOutcome(archived, null, Replayed: true);
        }
        // Other shipments ran while the log was read: look again before deciding.
        if (state.State.Shipments.TryGetValue(request.OrderId, out earlier))
        {
            await DurableAsync();
            return new ShipmentOutcome(earlier, null, Replayed: true);
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
        // Shipments of other orders ran during the delay, and archiving may have moved one to the log: look again.
        if (state.State.Shipments.TryGetValue(request.OrderId, out earlier))
        {
            await DurableAsync();
            return new ShipmentOutcome(earlier, null, Replayed: true);
        }

        var decision = StockLedger.Decide(state.State.Stock, request.Items);
        if (!decision.CanShip)
        {
            return new ShipmentOutcome(null, Errors.Conflict($"Warehouse {Name} does not hold the complete order.",
                decision.Shortages.ToDictionary(s => s.BookId.ToString(), s => $"short by {s.Quantity}")));
        }

        // Decide and take the stock without awaiting in between: no other shipment can interleave here.
        var confirmation = new ShipmentConfirmation(Guid.NewGuid(), request.OrderId, Name, request.Items, decision.Remaining, clock.GetUtcNow());
        StockLedger.Apply(state.State.Stock, decision);
        state.State.Shipments[request.OrderId] = confirmation;
        state.State.ShippedCount++;
        await PersistAsync();
        // The warehouse, not the order, tells the cache: the stock change is durable here, whatever happens to the order.
        await TellCacheAsync(confirmation.Remaining, confirmation.ShippedAt);
        return new ShipmentOutcome(confirmation, null);
    }

    public async Task<ShipmentConfirmation?> FindShipmentAsync(Guid orderId)
    {
        // An instruction for this order that is still being carried out decides the answer: wait for it.
        if (_shipping.TryGetValue(orderId, out var running))
        {
            try
            {
                await running;
            }
            catch (Exception)
            {
                // It failed; what storage says is the answer.
            }
        }
        if (state.State.Shipments.TryGetValue(orderId, out var pending))
        {
            await DurableAsync();
            return pending;
        }
        return await shipmentLog.FindAsync(Name, orderId);
    }

    public async Task<ImmutableArray<ShipmentConfirmation>> GetShipmentsAsync()
    {
        var archived = await shipmentLog.ListAsync(Name, ShipmentsShown);
        return [.. state.State.Shipments.Values.Concat(archived.Where(a => !state.State.Shipments.ContainsKey(a.OrderId)))
            .OrderByDescending(s => s.ShippedAt).Take(ShipmentsShown)];
    }

    public async Task SetFaultAsync(FaultKind kind, TimeSpan? delay, string setBy)
    {
        if (kind == FaultKind.None)
        {
            await ClearFaultAsync(setBy);
            return;
        }
        state.State.Fault = new WarehouseFault(kind, delay ?? options.Value.SlowFaultDelay, clock.GetUtcNow(), setBy);
        await PersistAsync();
        await RecordEventAsync(OpsSeverity.Warning, "fault_injected", $"Fault '{kind.ToString().ToLowerInvariant()}' injected into warehouse {Name} by {setBy}.");
    }

    public async Task ClearFaultAsync(string clearedBy)
    {
        if (state.State.Fault is null) return;
        state.State.Fault = null;
        await PersistAsync();
        await RecordEventAsync(OpsSeverity.Info, "fault_cleared", $"Fault cleared on warehouse {Name} by {clearedBy}.");
    }

    public async Task<bool> RestartAsync(string restartedBy, string operationId)
    {
        if (state.State.Operations.TryGet(operationId, out var earlier))
        {
            await DurableAsync();
            return earlier == "cleared";
        }
        var previous = state.State.Fault;
        state.State.Fault = null;
        state.State.Operations.Record(operationId, previous is null ? "no_fault" : "cleared");
        await PersistAsync();
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

    /// <summary>Returns once a state write that includes every change made before this call has completed.</summary>
    private Task PersistAsync() => DurableAsync(++_changes);

    /// <summary>Returns once every change made so far is in storage (without asking for a write if it already is).</summary>
    private Task DurableAsync() => DurableAsync(_changes);

    private async Task DurableAsync(long mine)
    {
        while (_persisted < mine)
        {
            if (_broken) throw new WarehouseUnavailableException($"Warehouse {Name} could not save its state; it is reloading.");
            if (_writing is null || _writing.IsCompleted) _writing = WriteAsync();
            await _writing;
        }
    }

    private async Task WriteAsync()
    {
        var upTo = _changes;
        try
        {
            await state.WriteStateAsync();
            _persisted = upTo;
        }
        catch (Exception e)
        {
            // Memory now holds changes storage does not: refuse further work and reload from storage.
            _broken = true;
            StateWrites.Discard(GrainContext, logger, e);
            throw;
        }
        finally
        {
            _writing = null;
        }
    }

    private Task RecordInCacheAsync(ImmutableArray<StockLine> lines) => RecordInCacheAsync(lines, clock.GetUtcNow());

    private Task RecordInCacheAsync(ImmutableArray<StockLine> lines, DateTimeOffset at) =>
        Task.WhenAll(lines.GroupBy(l => InventoryShards.For(l.BookId)).Select(shard =>
            GrainFactory.GetGrain<IInventoryCacheGrain>(shard.Key).RecordAsync(Name, [.. shard], at)));

    /// <summary>Best effort: the cache is repaired by the next announcement or reconciliation if this fails.</summary>
    private async Task TellCacheAsync(ImmutableArray<StockLine> lines, DateTimeOffset at)
    {
        try
        {
            await RecordInCacheAsync(lines, at);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Warehouse {Warehouse} could not update the inventory cache", Name);
        }
    }

    private async Task AnnounceStockAsync(CancellationToken cancellationToken)
    {
        _announce?.Dispose();
        if (state.State.Stock.Count == 0) return;
        await TellCacheAsync([.. state.State.Stock.Select(kv => new StockLine(kv.Key, kv.Value))], clock.GetUtcNow());
    }

    private Task RecordEventAsync(OpsSeverity severity, string kind, string message) =>
        GrainFactory.GetGrain<IOpsEventLogGrain>(0).RecordAsync(new OpsEvent(Guid.NewGuid(), clock.GetUtcNow(),
            $"warehouse:{Name}", severity, kind, message, ImmutableDictionary<string, string>.Empty.Add("warehouse", Name)));
}
