using System.Collections.Immutable;
using AgentOps.Catalog;
using AgentOps.Common;
using AgentOps.Hosting;
using AgentOps.Inventory;
using AgentOps.OpsEvents;
using AgentOps.Observability;
using AgentOps.Warehouses;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace AgentOps.Orders;

/// <summary>
/// An order as a durable state machine. Its row in the order table, added with the accepted order as the grain's
/// first state (kept in that row, see <see cref="OrderRowStorage"/>), is the durable PENDING record written before any
/// warehouse is asked to ship; the state is next written with the outcome (or when a warehouse does not answer). An
/// order whose silo dies is found PENDING by the sweeper and driven on: every warehouse is asked whether it already
/// shipped it, an unanswered warehouse is asked again first (shipping is idempotent per order), so it never ships twice.
/// </summary>
[CollectionAgeLimit(Minutes = 2)] // finished in seconds, rarely read again: 15 idle minutes kept 300,000 orders in memory
public sealed class OrderGrain(
    [PersistentState("order", StorageNames.Orders)] IPersistentState<OrderState> state,
    IOrderStore orders,
    [FromKeyedServices(StorageNames.Orders)] IGrainStorageSerializer stateSerializer,
    IOptions<BookstoreOptions> options,
    TimeProvider clock,
    ILogger<OrderGrain> logger) : Grain, IOrderGrain
{
    private Guid OrderId => this.GetPrimaryKey();

    public async Task<OrderResult> PlaceAsync(PlaceOrder command)
    {
        if (state.State.Order is { } existing)
        {
            var replay = Replay(existing, command);
            // The same Idempotency-Key again. A state never written since the row was added with it (version 0) is an
            // attempt that was interrupted before any outcome: finish that order instead of only reporting it.
            if (replay.Error is null && existing.Status == OrderStatus.Pending && state.Etag == "0") replay = Replay((await ResumeAsync())!, command);
            return replay;
        }

        var limits = options.Value;
        if (OrderRules.ValidateItems(command.Items, limits.MaxOrderLines, limits.MaxQuantityPerLine) is { } invalid)
            return new OrderResult(null, invalid, false);

        var books = await GrainFactory.GetGrain<ICatalogGrain>(0).GetManyAsync([.. command.Items.Select(i => i.BookId)]);
        var (priced, pricingError) = OrderRules.Price(command.Items, books.ToDictionary(b => b.Id));
        if (pricingError is not null) return new OrderResult(null, pricingError, false);
        if (OrderRules.ValidatePayment(command.Payment, priced!.Total) is { } paymentError) return new OrderResult(null, paymentError, false);

        var now = clock.GetUtcNow();
        var payment = command.Payment is { } p ? new PaymentRecord(p.Method.Trim(), p.Amount, PaymentStatus.Captured, now, null) : null;
        var accepted = new OrderSnapshot(OrderId, command.UserId, OrderStatus.Pending, priced.Lines, priced.Total, payment,
            null, [], null, now, now, command.IdempotencyKey,
            command.IdempotencyKey is null ? null : OrderRules.Fingerprint(command.Items, command.Payment));
        // The row, added with this first state, is the durable PENDING record (written in a batch with other orders'
        // rows); the state is next written with the outcome. A row that keeps its size from insert to end leaves no
        // room that vacuum hands to later inserts: a JSON payload dropped at the first write did, and scattered new
        // rows over the whole table (a full-page image in the WAL for each page after every checkpoint).
        var first = stateSerializer.Serialize(new OrderState { Order = accepted }).ToArray();
        if (!await orders.AddAsync(OrderId, command.UserId, OrderStatus.Pending, now, state: first))
        {
            // The row exists: the same Idempotency-Key after a crash interrupted the first attempt (this activation
            // found no row when it started). Finish that order instead of placing a new one.
            await state.ReadStateAsync();
            if (await ResumeAsync() is not { } interrupted) throw new InvalidOperationException($"Order {OrderId} has a row without an order.");
            return Replay(interrupted, command);
        }
        state.State.Order = accepted;

        await FulfilAsync();
        AgentOpsMetrics.OrderPlaced(state.State.Order.Status.ToString().ToUpperInvariant(), (clock.GetUtcNow() - now).TotalMilliseconds);
        // A finished order is rarely read again, and its row and state have everything: leave memory now instead of
        // after the idle age. Kept for 2 minutes, a 10-minute run at ~600 orders/s held ~70,000 finished orders and the
        // process grew from 0.4 to 1.25 GB in 5 minutes.
        if (state.State.Order.Status is not OrderStatus.Pending) DeactivateOnIdle();
        return new OrderResult(state.State.Order, null, Created: true);
    }

    private static OrderResult Replay(OrderSnapshot existing, PlaceOrder command) =>
        existing.UserId != command.UserId ? new OrderResult(null, Errors.Conflict("This order id belongs to another user."), false)
        : OrderRules.CheckReplay(existing, command) is { } reused ? new OrderResult(null, reused, false)
        : new OrderResult(existing, null, Created: false);

    public Task<OrderSnapshot?> GetAsync() => Task.FromResult(state.State.Order);

    public async Task<OrderSnapshot?> ResumeAsync()
    {
        if (state.State.Order is null && !await RecoverAsync()) return null;
        if (state.State.Order is { Status: OrderStatus.Pending } order)
        {
            logger.LogInformation("Resuming pending order {OrderId}", OrderId);
            await orders.AddAsync(OrderId, order.UserId, OrderStatus.Pending, order.CreatedAt);
            // An interrupted attempt (first placement or a retry) may have shipped anywhere, even after being archived
            // to a warehouse's log: find out before asking anyone to ship.
            if (!await FindShipmentAnywhereAsync()) await FulfilAsync(mayBeRepeat: true);
        }
        else if (state.State.Order is { } ended)
        {
            // The row may have missed the end state (a crash right after it was written): bring it up to date.
            await orders.SetStatusAsync(OrderId, ended.Status, ended.UpdatedAt);
        }
        return state.State.Order;
    }

    public async Task<OrderResult> CancelAsync(string reason, string cancelledBy, string operationId)
    {
        if (state.State.Order is not { } order) return new OrderResult(null, Errors.NotFound($"Order {OrderId} does not exist."), false);
        if (state.State.Operations.TryGet(operationId, out _)) return new OrderResult(order, null, Created: false);
        // A PENDING order was interrupted mid-attempt (nothing else leaves it PENDING between calls): it may have shipped.
        if (order.Status == OrderStatus.Pending && await FindShipmentAnywhereAsync()) order = state.State.Order!;
        if (OrderRules.CheckCancellable(order, state.State.Unanswered) is { } refused) return new OrderResult(order, refused, false);

        var now = clock.GetUtcNow();
        state.State.Order = order with
        {
            Status = OrderStatus.Cancelled, UpdatedAt = now,
            FailureReason = $"Cancelled by {cancelledBy}: {reason}",
            Payment = order.Payment is { Status: PaymentStatus.Captured } payment ? payment with { Status = PaymentStatus.Refunded, RefundedAt = now } : order.Payment,
        };
        state.State.Operations.Record(operationId, "cancelled");
        await WriteAsync();
        await RecordEventAsync(OpsSeverity.Info, "order_cancelled", $"Order {OrderId} was cancelled by {cancelledBy}: {reason}", null);
        return new OrderResult(state.State.Order, null, Created: false);
    }

    public async Task<OrderResult> RetryAsync(string requestedBy, string operationId)
    {
        if (state.State.Order is not { } order) return new OrderResult(null, Errors.NotFound($"Order {OrderId} does not exist."), false);
        if (state.State.Operations.TryGet(operationId, out _)) return new OrderResult(order, null, Created: false);
        if (order.Status != OrderStatus.Failed) return new OrderResult(order, Errors.Conflict($"Only a FAILED order can be retried; order {OrderId} is {order.Status.ToString().ToUpperInvariant()}."), false);

        var now = clock.GetUtcNow();
        state.State.Order = order with
        {
            Status = OrderStatus.Pending, FailureReason = null, UpdatedAt = now,
            Payment = order.Payment is { } payment ? payment with { Status = PaymentStatus.Captured, RefundedAt = null } : null,
        };
        state.State.Refused = [];
        state.State.Unanswered = null;
        state.State.Operations.Record(operationId, "retried");
        await WriteAsync();
        logger.LogInformation("Order {OrderId} retried by {RequestedBy}", OrderId, requestedBy);
        // Every warehouse refused this order before, so none holds a shipment of it: a first attempt again.
        await FulfilAsync(mayBeRepeat: false);
        return new OrderResult(state.State.Order, null, Created: false);
    }

    /// <summary>
    /// Rebuilds a PENDING order from the JSON payload of a row an earlier version added without state, after its silo
    /// died before the first state write. Nothing says which warehouse was asked, so every one is asked whether it
    /// shipped the order before any is asked to ship it.
    /// </summary>
    private async Task<bool> RecoverAsync()
    {
        if (await orders.GetPayloadAsync(OrderId) is not { } payload) return false;
        state.State.Order = OrderPayload.Deserialize(payload);
        logger.LogInformation("Recovering order {OrderId} from its row", OrderId);
        await FindShipmentAnywhereAsync();
        return true;
    }

    /// <summary>
    /// Asks every registered warehouse whether it shipped this order (a warehouse still carrying out an instruction
    /// for it answers once that is done) and records the shipment if one did.
    /// </summary>
    private async Task<bool> FindShipmentAnywhereAsync()
    {
        foreach (var registration in await GrainFactory.GetGrain<IWarehouseRegistryGrain>(0).ListAsync())
        {
            if (await GrainFactory.GetGrain<IWarehouseGrain>(registration.Name).FindShipmentAsync(OrderId) is { } shipped)
            {
                await MarkShippedAsync(shipped);
                return true;
            }
        }
        return false;
    }

    /// <summary>Writes the state and, with it, the row's status (see <see cref="OrderRowStorage"/>).</summary>
    private Task WriteAsync() => state.WriteOrDiscardAsync(GrainContext, logger);

    /// <param name="mayBeRepeat">Whether a warehouse may already hold a shipment of this order from an interrupted attempt.</param>
    private async Task FulfilAsync(bool mayBeRepeat = false)
    {
        var order = state.State.Order!;
        var registrations = await GrainFactory.GetGrain<IWarehouseRegistryGrain>(0).ListAsync();
        var candidates = FulfilmentPlanner.Candidates(registrations, OrderId, state.State.Refused);
        if (state.State.Unanswered is { } unanswered)
        {
            candidates = [unanswered, .. candidates.Remove(unanswered)];
        }

        var lines = order.Lines.Select(l => new StockLine(l.BookId, l.Quantity)).ToImmutableArray();
        foreach (var name in candidates)
        {
            // Only a warehouse that was asked before and did not answer can already hold a shipment for this order.
            var request = new ShipmentRequest(OrderId, lines, MayBeRepeat: mayBeRepeat || name == state.State.Unanswered);
            ShipmentOutcome outcome;
            try
            {
                outcome = await GrainFactory.GetGrain<IWarehouseGrain>(name).ShipAsync(request).WaitAsync(options.Value.ShipmentTimeout);
            }
            catch (Exception e)
            {
                // The warehouse may or may not have shipped: stay PENDING and ask it again on the next attempt.
                logger.LogWarning(e, "Warehouse {Warehouse} did not answer for order {OrderId}; will retry", name, OrderId);
                state.State.Unanswered = name;
                await WriteAsync();
                return;
            }

            if (outcome.Confirmation is { } confirmation)
            {
                await MarkShippedAsync(confirmation);
                return;
            }
            state.State.Refused.Add(name);
            if (state.State.Unanswered == name) state.State.Unanswered = null;
            if (outcome.Refusal?.Code == "warehouse.offline")
            {
                await RecordEventAsync(OpsSeverity.Warning, "shipment_failed", $"Warehouse {name} refused order {OrderId}: {outcome.Refusal.Message}", name);
            }
        }

        await MarkFailedAsync(candidates.IsEmpty
            ? "No HEALTHY warehouse is available."
            : $"No warehouse could ship the complete order (tried {string.Join(", ", state.State.Refused.Order())}).");
    }

    private async Task MarkShippedAsync(ShipmentConfirmation confirmation)
    {
        var now = clock.GetUtcNow();
        state.State.Order = state.State.Order! with
        {
            Status = OrderStatus.Shipped, Warehouse = confirmation.Warehouse, UpdatedAt = now,
            AttemptedWarehouses = [.. state.State.Refused.Order(), confirmation.Warehouse],
        };
        state.State.Unanswered = null;
        // (The row's status is written with the state; the warehouse told the inventory cache when the shipment became durable.)
        await WriteAsync();
    }

    private async Task MarkFailedAsync(string reason)
    {
        var now = clock.GetUtcNow();
        var order = state.State.Order!;
        state.State.Order = order with
        {
            Status = OrderStatus.Failed, FailureReason = reason, UpdatedAt = now,
            AttemptedWarehouses = [.. state.State.Refused.Order()],
            Payment = order.Payment is { } payment ? payment with { Status = PaymentStatus.Refunded, RefundedAt = now } : null,
        };
        await WriteAsync();
        await RecordEventAsync(OpsSeverity.Error, "order_failed", $"Order {OrderId} failed: {reason}", null);
    }

    private Task RecordEventAsync(OpsSeverity severity, string kind, string message, string? warehouse)
    {
        var details = ImmutableDictionary<string, string>.Empty.Add("order_id", OrderId.ToString());
        if (warehouse is not null) details = details.Add("warehouse", warehouse);
        return GrainFactory.GetGrain<IOpsEventLogGrain>(0).RecordAsync(
            new OpsEvent(Guid.NewGuid(), clock.GetUtcNow(), "orders", severity, kind, message, details));
    }
}
