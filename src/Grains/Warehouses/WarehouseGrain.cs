using System.Collections.Immutable;
using AgentOps.Common;
using AgentOps.Hosting;
using AgentOps.Inventory;
using AgentOps.OpsEvents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentOps.Warehouses;

/// <summary>
/// A warehouse's stock and shipments. A shipment checks and takes stock in one synchronous step (never below zero)
/// and is confirmed only once a commit containing it is in storage. Shipments interleave so that many share one
/// commit (group commit), and a commit writes only what changed (<see cref="IWarehouseStore"/>): the stock rows of
/// the books it touched, the new shipments, the new operation ids. A failed commit discards the activation, so
/// memory that storage does not have is thrown away and callers, who got an error, ask again.
/// </summary>
public sealed class WarehouseGrain(
    [PersistentState("warehouse", StorageNames.Store)] IPersistentState<WarehouseState> state,
    IWarehouseStore store,
    IOptions<BookstoreOptions> options,
    TimeProvider clock,
    ILogger<WarehouseGrain> logger) : Grain, IWarehouseGrain
{
    private const int ShipmentsShown = 1000;

    // Shipments of this activation, to answer a repeated instruction without reading storage; bounded (oldest
    // forgotten first): a forgotten one is still found in storage, and storage refuses a second shipment of an order.
    private const int RecentShipmentsKept = 10_000;

    private IGrainTimer? _announce;
    private IGrainTimer? _forget;

    private readonly Dictionary<Guid, int> _stock = [];
    private long _version;
    private long _shippedCount;
    private readonly Dictionary<Guid, ShipmentConfirmation> _recent = [];
    private readonly Queue<Guid> _recentOrder = new();
    private readonly Dictionary<string, string> _operations = [];

    // Changes not committed yet, taken by the next commit.
    private Dictionary<Guid, int> _dirtyStock = [];
    private List<ShipmentConfirmation> _newShipments = [];
    private Dictionary<string, string> _newOperations = [];

    // Group commit: every change bumps _changes; a caller waits until a commit that started after its change is done.
    private long _changes;
    private long _persisted;
    private Task? _writing;
    private bool _broken;

    // Shipment instructions being carried out, by order: a repeat joins the first instead of deciding again.
    private readonly Dictionary<Guid, Task<ShipmentOutcome>> _shipping = [];

    private string Name => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var record = await store.LoadAsync(Name);
        (_version, _shippedCount) = (record.Version, record.ShippedCount);
        foreach (var (book, quantity) in record.Stock) _stock[book] = quantity;
        if (state.State.HasUnmigratedRows) await MigrateStateToRowsAsync(record);

        // A previous activation may have died between a durable stock change and telling the store's cache: tell it now.
        _announce = this.RegisterGrainTimer(AnnounceStockAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true });
        var retention = options.Value.OperationRetention;
        var period = retention < TimeSpan.FromHours(1) ? retention : TimeSpan.FromHours(1);
        _forget = this.RegisterGrainTimer(ForgetOldOperationsAsync, new GrainTimerCreationOptions(period, period) { Interleave = true });
    }

    /// <summary>
    /// Moves the stock and unarchived shipments that an earlier version kept in the grain state to the rows. Runs
    /// before the activation serves a call, so if it is interrupted the next activation moves the same values again.
    /// </summary>
    private async Task MigrateStateToRowsAsync(WarehouseRecord record)
    {
        if (record.Version == 0)
        {
            _version = await store.CommitAsync(Name, 0, new WarehouseCommit(
                state.State.Stock, [], new Dictionary<string, string>(), [.. state.State.Shipments.Values], state.State.ShippedCount));
            foreach (var (book, quantity) in state.State.Stock) _stock[book] = quantity;
            _shippedCount = state.State.ShippedCount;
            logger.LogInformation("Warehouse {Warehouse}: stock of {Books} books and {Shipments} shipments moved from the grain state to the warehouse rows",
                Name, state.State.Stock.Count, state.State.Shipments.Count);
        }
        state.State.Stock = [];
        state.State.Shipments = [];
        state.State.ShippedCount = 0;
        await state.WriteOrDiscardAsync(GrainContext, logger);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _announce?.Dispose();
        _forget?.Dispose();
        return Task.CompletedTask;
    }

    public Task<WarehouseSnapshot> GetSnapshotAsync() => Task.FromResult(new WarehouseSnapshot(
        Name, state.State.Fault, _stock.Count, _stock.Values.Sum(q => (long)q), (int)Math.Min(int.MaxValue, _shippedCount)));

    public async Task<DateTimeOffset> PingAsync()
    {
        await ApplyFaultAsync();
        return clock.GetUtcNow();
    }

    public Task<ImmutableArray<StockLine>> GetStockAsync() =>
        Task.FromResult(_stock.Select(kv => new StockLine(kv.Key, kv.Value)).ToImmutableArray());

    public Task<StockLine?> GetBookStockAsync(Guid bookId) => Task.FromResult(Line(bookId));

    public async Task<OperationError?> SetStockAsync(ImmutableArray<StockLine> lines, string changedBy, string? operationId = null)
    {
        if (operationId is not null)
        {
            if (await IsAppliedAsync(operationId)) return null;
        }
        return await ApplyAsync(lines, operationId);
    }

    public async Task<BookStockChangeOutcome> SetBookStockAsync(BookStockChange change)
    {
        // Applied before: a call sent again after a crash kept its result from the caller. It is not applied twice,
        // and the stock it left may since have changed, which is then no reason to ask again.
        if (await IsAppliedAsync(change.OperationId))
        {
            var now = Line(change.BookId);
            return new BookStockChangeOutcome(now, now, ExpectationHeld: true, null);
        }
        // Nothing awaits from here to the change (the method interleaves): the stock checked is the stock overwritten.
        // A stock already at the requested quantity is the end state that was approved: going ahead changes nothing,
        // and nobody is asked to approve a change that is no longer one.
        var before = Line(change.BookId);
        if (change.Expected is { } expected && before?.Quantity != expected.Quantity && before?.Quantity != change.Quantity)
            return new BookStockChangeOutcome(before, before, ExpectationHeld: false, null);
        var error = await ApplyAsync([new StockLine(change.BookId, change.Quantity)], change.OperationId);
        return new BookStockChangeOutcome(before, Line(change.BookId), ExpectationHeld: true, error);
    }

    /// <summary>Validates and applies stock levels, remembering the operation id, then makes them durable.</summary>
    private async Task<OperationError?> ApplyAsync(ImmutableArray<StockLine> lines, string? operationId)
    {
        if (StockLedger.ValidateStockLevels(lines, options.Value.MaxStockPerBook) is { } invalid) return invalid;
        foreach (var line in lines) SetQuantity(line.BookId, line.Quantity);
        if (operationId is not null)
        {
            _operations[operationId] = "set";
            _newOperations[operationId] = "set";
        }
        await PersistAsync();
        await RecordInCacheAsync(lines);
        return null;
    }

    private StockLine? Line(Guid bookId) => _stock.TryGetValue(bookId, out var quantity) ? new StockLine(bookId, quantity) : null;

    public Task<bool> HasAppliedAsync(string operationId) => IsAppliedAsync(operationId);

    /// <summary>Whether a stock-changing operation was applied before; answers only once it is durable.</summary>
    private async Task<bool> IsAppliedAsync(string operationId)
    {
        if (_operations.ContainsKey(operationId) || state.State.Operations.TryGet(operationId, out _))
        {
            // The first call's commit may still be under way (this method interleaves): answer once it is durable.
            await DurableAsync();
            return true;
        }
        if (await store.FindOperationAsync(Name, operationId) is { } result)
        {
            _operations.TryAdd(operationId, result);
            return true;
        }
        // Another call with this id may have been applied while storage was read.
        if (!_operations.ContainsKey(operationId)) return false;
        await DurableAsync();
        return true;
    }

    public async Task<int> SeedStockAsync(ImmutableArray<StockLine> lines)
    {
        var added = lines.Where(l => !_stock.ContainsKey(l.BookId)).ToImmutableArray();
        if (added.IsEmpty) return 0;
        foreach (var line in added) SetQuantity(line.BookId, line.Quantity);
        await PersistAsync();
        await RecordInCacheAsync(added);
        return added.Length;
    }

    private void SetQuantity(Guid bookId, int quantity)
    {
        _stock[bookId] = quantity;
        _dirtyStock[bookId] = quantity;
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
        if (await RecentAsync(request.OrderId) is { } earlier) return new ShipmentOutcome(earlier, null, Replayed: true);
        if (request.MayBeRepeat && await store.FindShipmentAsync(Name, request.OrderId) is { } stored)
        {
            return new ShipmentOutcome(stored, null, Replayed: true);
        }
        // Other shipments ran while storage was read: look again before deciding.
        if (await RecentAsync(request.OrderId) is { } meanwhile) return new ShipmentOutcome(meanwhile, null, Replayed: true);
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
        // Shipments of other orders ran during the delay: look again.
        if (await RecentAsync(request.OrderId) is { } delayed) return new ShipmentOutcome(delayed, null, Replayed: true);

        var decision = StockLedger.Decide(_stock, request.Items);
        if (!decision.CanShip)
        {
            return new ShipmentOutcome(null, Errors.Conflict($"Warehouse {Name} does not hold the complete order.",
                decision.Shortages.ToDictionary(s => s.BookId.ToString(), s => $"short by {s.Quantity}")));
        }

        // Decide and take the stock without awaiting in between: no other shipment can interleave here.
        var confirmation = new ShipmentConfirmation(Guid.NewGuid(), request.OrderId, Name, request.Items, decision.Remaining, clock.GetUtcNow());
        StockLedger.Apply(_stock, decision);
        foreach (var line in decision.Remaining) _dirtyStock[line.BookId] = line.Quantity;
        Remember(confirmation);
        _newShipments.Add(confirmation);
        _shippedCount++;
        await PersistAsync();
        // The warehouse, not the order, tells the cache: the stock change is durable here, whatever happens to the order.
        await TellCacheAsync(confirmation.Remaining, confirmation.ShippedAt);
        return new ShipmentOutcome(confirmation, null);
    }

    /// <summary>This activation's shipment of the order, once it is durable (its commit may still be under way).</summary>
    private async Task<ShipmentConfirmation?> RecentAsync(Guid orderId)
    {
        if (!_recent.TryGetValue(orderId, out var confirmation)) return null;
        await DurableAsync();
        return confirmation;
    }

    private void Remember(ShipmentConfirmation confirmation)
    {
        _recent[confirmation.OrderId] = confirmation;
        _recentOrder.Enqueue(confirmation.OrderId);
        while (_recentOrder.Count > RecentShipmentsKept) _recent.Remove(_recentOrder.Dequeue());
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
        return await RecentAsync(orderId) ?? await store.FindShipmentAsync(Name, orderId);
    }

    public async Task<ImmutableArray<ShipmentConfirmation>> GetShipmentsAsync() =>
        [.. await store.ListShipmentsAsync(Name, ShipmentsShown)];

    public async Task SetFaultAsync(FaultKind kind, TimeSpan? delay, string setBy)
    {
        if (kind == FaultKind.None)
        {
            await ClearFaultAsync(setBy);
            return;
        }
        state.State.Fault = new WarehouseFault(kind, delay ?? options.Value.SlowFaultDelay, clock.GetUtcNow(), setBy);
        await state.WriteOrDiscardAsync(GrainContext, logger);
        await RecordEventAsync(OpsSeverity.Warning, "fault_injected", $"Fault '{kind.ToString().ToLowerInvariant()}' injected into warehouse {Name} by {setBy}.");
    }

    public async Task ClearFaultAsync(string clearedBy)
    {
        if (state.State.Fault is null) return;
        state.State.Fault = null;
        await state.WriteOrDiscardAsync(GrainContext, logger);
        await RecordEventAsync(OpsSeverity.Info, "fault_cleared", $"Fault cleared on warehouse {Name} by {clearedBy}.");
    }

    public async Task<bool> RestartAsync(string restartedBy, string operationId)
    {
        // Restarts are not interleaved: an id recorded here was written with the fault it cleared.
        if (state.State.Operations.TryGet(operationId, out var earlier)) return earlier == "cleared";
        var previous = state.State.Fault;
        state.State.Fault = null;
        state.State.Operations.Record(operationId, previous is null ? "no_fault" : "cleared");
        await state.WriteOrDiscardAsync(GrainContext, logger);
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
        var commit = new WarehouseCommit(_dirtyStock, _newShipments, _newOperations, []);
        (_dirtyStock, _newShipments, _newOperations) = ([], [], []);
        try
        {
            if (!commit.IsEmpty) _version = await store.CommitAsync(Name, _version, commit);
            _persisted = upTo;
        }
        catch (Exception e)
        {
            // Memory now holds changes storage may not have: refuse further work and reload from storage.
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
        if (_stock.Count == 0) return;
        await TellCacheAsync([.. _stock.Select(kv => new StockLine(kv.Key, kv.Value))], clock.GetUtcNow());
    }

    private async Task ForgetOldOperationsAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow() - options.Value.OperationRetention;
        try
        {
            var forgotten = await store.ForgetOperationsAsync(Name, before);
            if (forgotten > 0) logger.LogInformation("Warehouse {Warehouse} forgot {Count} operation ids older than {Before}", Name, forgotten, before);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Warehouse {Warehouse} could not forget old operation ids; will try again", Name);
        }
    }

    private Task RecordEventAsync(OpsSeverity severity, string kind, string message) =>
        GrainFactory.GetGrain<IOpsEventLogGrain>(0).RecordAsync(new OpsEvent(Guid.NewGuid(), clock.GetUtcNow(),
            $"warehouse:{Name}", severity, kind, message, ImmutableDictionary<string, string>.Empty.Add("warehouse", Name)));
}
