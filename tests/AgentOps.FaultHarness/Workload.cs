using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Orders;

namespace AgentOps.FaultHarness;

/// <summary>
/// Drives a schedule's planned operations through the front door at their offsets, like many independent clients,
/// and writes down in the <see cref="Ledger"/> everything they were told. Every operation is bounded in attempts and
/// time; none waits for another.
/// </summary>
public sealed class Workload(SchedulePlan plan, FrontDoor door, Ledger ledger, Action<string> log, bool verbose)
{
    private static readonly TimeSpan OrderTimeout = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan OpDeadline = TimeSpan.FromSeconds(75);

    private void Note(string text)
    {
        if (verbose) log(text);
    }

    // ---- preparation --------------------------------------------------------------------------------------------

    /// <summary>Customers, the harness's own books for agent set-stock calls, and the initial stock, read back.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var books = await Must(door.GetSettledAsync("/store/books?limit=500", null, cancellationToken), "GET /store/books");
        var catalog = books.EnumerateArray().Select(b => new BookInfo(b.GetProperty("id").GetGuid(), b.GetProperty("title").GetString()!, b.GetProperty("price").GetDecimal())).ToList();
        if (catalog.Count < SchedulePlan.SeedBooks) throw new InvalidOperationException($"The catalog has {catalog.Count} books, expected the {SchedulePlan.SeedBooks} seed books.");
        ledger.Books = [.. catalog.Take(SchedulePlan.SeedBooks)];

        var customers = new List<Customer>();
        var logins = new List<(string Email, string Password)> { ("alice@customer.com", "alice123"), ("bob@customer.com", "bob123") };
        for (var i = logins.Count; i < plan.Customers; i++)
        {
            var email = $"harness-{plan.Seed}-{i}@example.com";
            await Must(Retry(() => door.SendAsync(HttpMethod.Post, "/store/auth/register", new { email, password = "harness-password", name = $"Harness {i}" }, null, CallTimeout, cancellationToken),
                cancellationToken, acceptConflict: true), $"register {email}");
            logins.Add((email, "harness-password"));
        }
        foreach (var (email, password) in logins)
        {
            var me = await Must(Retry(() => door.SendAsync(HttpMethod.Post, "/store/auth/login", new { email, password }, null, CallTimeout, cancellationToken), cancellationToken), $"login {email}");
            customers.Add(new Customer(email, FrontDoor.Basic($"{email}:{password}"), me.GetProperty("id").GetGuid()));
        }
        ledger.Customers = customers;

        var agentBooks = new List<BookInfo>();
        for (var k = 0; k < plan.AgentBooks; k++)
        {
            // Titles that are no part of each other, so the inventory agent's book search finds exactly this one.
            var title = string.Create(CultureInfo.InvariantCulture, $"Harness Ledger S{plan.Schedule:D3}-K{k:D3}");
            var created = await Must(Retry(() => door.SendAsync(HttpMethod.Post, "/store/books",
                new { isbn = $"H{plan.Schedule:D3}-{k:D3}", title, author = "Fault Harness", price = 1.5m, genre = "Test" }, FrontDoor.Admin, CallTimeout, cancellationToken), cancellationToken),
                $"create {title}");
            agentBooks.Add(new BookInfo(created.GetProperty("id").GetGuid(), title, 1.5m));
        }
        ledger.AgentBooks = agentBooks;

        foreach (var warehouse in SchedulePlan.Warehouses)
        {
            var items = ledger.Books.Select((b, i) => new { bookId = b.Id, quantity = plan.InitialStock[(warehouse, i)] })
                .Concat(agentBooks.Select(b => new { bookId = b.Id, quantity = SchedulePlan.AgentBookInitialStock }))
                .ToList();
            await Must(Retry(() => door.SendAsync(HttpMethod.Post, $"/warehouses/{warehouse}/inventory", new { items }, FrontDoor.Admin, CallTimeout, cancellationToken), cancellationToken),
                $"set stock at {warehouse}");
        }
        foreach (var warehouse in SchedulePlan.Warehouses)
        {
            var stock = await Must(door.GetSettledAsync($"/warehouses/{warehouse}/inventory", null, cancellationToken), $"GET /warehouses/{warehouse}/inventory");
            foreach (var line in stock.EnumerateArray())
            {
                ledger.InitialStock[(warehouse, line.GetProperty("bookId").GetGuid())] = line.GetProperty("quantity").GetInt32();
            }
        }
    }

    // ---- the schedule -------------------------------------------------------------------------------------------

    /// <summary>Starts each operation at its offset until the plan ends or <paramref name="stopIssuing"/>; then waits (bounded) for those in flight.</summary>
    public async Task RunAsync(DateTime start, CancellationToken stopIssuing, CancellationToken hardStop)
    {
        var inFlight = new List<Task>();
        foreach (var op in plan.Ops)
        {
            var wait = start + op.At - DateTime.UtcNow;
            try
            {
                if (wait > TimeSpan.Zero) await Task.Delay(wait, stopIssuing);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            inFlight.Add(ExecuteAsync(op, hardStop));
        }
        await Task.WhenAll(inFlight);
    }

    private async Task ExecuteAsync(PlannedOp op, CancellationToken hardStop)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(hardStop);
        deadline.CancelAfter(OpDeadline);
        try
        {
            switch (op)
            {
                case OrderOp o: await OrderAsync(o, deadline.Token); break;
                case RunOp r: await RunAsync(r, deadline.Token); break;
                case ShipmentOp s: await ShipmentAsync(s, deadline.Token); break;
                case WarehouseFaultOp w: await WarehouseFaultAsync(w, deadline.Token); break;
            }
        }
        catch (OperationCanceledException)
        {
            ledger.Count("op_deadline");
            Note($"op #{op.Index} stopped at its deadline");
        }
        catch (Exception e) when (e is InvalidOperationException or JsonException or KeyNotFoundException or FormatException)
        {
            ledger.Count("op_error");
            log($"op #{op.Index} ({op.GetType().Name}) failed in the harness: {e.Message}");
        }
    }

    // ---- orders -------------------------------------------------------------------------------------------------

    private async Task OrderAsync(OrderOp op, CancellationToken cancellationToken)
    {
        var customer = ledger.Customers[op.Customer];
        var lines = op.Lines.Select(l => (Book: ledger.Books[l.Book], l.Quantity)).ToList();
        var total = lines.Sum(l => l.Book.Price * l.Quantity);
        object body = op.WithPayment
            ? new { items = lines.Select(l => new { bookId = l.Book.Id, quantity = l.Quantity }), payment = new { method = "card", amount = total } }
            : new { items = lines.Select(l => new { bookId = l.Book.Id, quantity = l.Quantity }) };
        var key = op.UseKey ? $"harness-{plan.Seed}-{op.Index}" : null;
        var headers = key is null ? Array.Empty<(string, string)>() : [("Idempotency-Key", key)];
        // A careful client retries with its key until it gets an answer; a naive one (no key) sends the order once more.
        var attempts = key is null ? 2 : 14;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            var answer = await door.SendAsync(HttpMethod.Post, "/store/orders", body, customer.Auth, OrderTimeout, cancellationToken, headers);
            if (answer.Status == 201)
            {
                var order = answer.Json;
                var claim = new OrderClaim(op.Index, order.GetProperty("id").GetGuid(), customer, [.. lines.Select(l => (l.Book.Id, l.Quantity))], key,
                    op.WithPayment ? total : null, order.GetProperty("status").GetString()!,
                    order.TryGetProperty("warehouse", out var w) && w.ValueKind == JsonValueKind.String ? w.GetString() : null, DateTimeOffset.UtcNow);
                if (!ledger.Orders.TryAdd(claim.Id, claim))
                {
                    // Two different requests acknowledged with one id: only the same key may do that.
                    var first = ledger.Orders[claim.Id];
                    if (first.Key is null || first.Key != key)
                        ledger.Immediate.Add(new Violation("order_id_reused", $"order {claim.Id} acknowledged for op #{first.Op} and again for op #{op.Index}"));
                }
                ledger.Count(attempt > 1 ? "orders_acknowledged_after_retry" : "orders_acknowledged");
                if (key is not null && op.ResendAfterSuccess) await ResendAsync(op, claim, body, customer.Auth, headers, cancellationToken);
                return;
            }
            if (!answer.Indeterminate)
            {
                ledger.Count($"orders_refused_{answer.Status}");
                Note($"op #{op.Index} order refused: {answer.Describe()}");
                return;
            }
            ledger.Count("order_attempts_indeterminate");
            var id = key is null ? (Guid?)null : OrderRules.IdFor(customer.UserId, key);
            ledger.UncertainOrders.Add((op.Index, id, $"attempt {attempt}: {answer.Describe()}"));
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 300 * attempt)), cancellationToken);
        }
        ledger.Count("orders_never_acknowledged");
    }

    /// <summary>The same key again after a success: the same order must come back, not a new one.</summary>
    private async Task ResendAsync(OrderOp op, OrderClaim claim, object body, AuthenticationHeaderValue auth, (string, string)[] headers, CancellationToken cancellationToken)
    {
        var again = await door.SendAsync(HttpMethod.Post, "/store/orders", body, auth, OrderTimeout, cancellationToken, headers);
        if (again.Indeterminate) return;
        ledger.Count("orders_resent_with_key");
        if (again.Status is not (200 or 201))
        {
            ledger.Immediate.Add(new Violation("idempotency_key_refused", $"op #{op.Index}: key {claim.Key} sent again answered {again.Describe()} (first answer: order {claim.Id})"));
            return;
        }
        var id = again.Json.GetProperty("id").GetGuid();
        if (id != claim.Id)
            ledger.Immediate.Add(new Violation("idempotency_key_new_order", $"op #{op.Index}: key {claim.Key} answered order {claim.Id}, then order {id}"));
    }

    // ---- agent runs ---------------------------------------------------------------------------------------------

    private async Task RunAsync(RunOp op, CancellationToken cancellationToken)
    {
        string prompt;
        string? agentType;
        SetStockTarget? target = null;
        Guid? targetOrder = null;
        switch (op.Kind)
        {
            case RunKind.SetStock:
                var book = ledger.AgentBooks[op.AgentBook];
                target = new SetStockTarget(op.Warehouse, book, SchedulePlan.AgentBookInitialStock, op.Quantity, op.EditedQuantity, op.Sentinel);
                // Known before the start is sent: a run whose start got no answer may exist and act all the same.
                ledger.SetStockTargets.Add(target);
                prompt = $"Set stock of {book.Title} at {op.Warehouse} to {op.Quantity}";
                agentType = "inventory";
                break;
            case RunKind.Restart:
                // Give the agent something to repair: the warehouse goes offline just before it is asked to look.
                await Retry(() => door.SendAsync(HttpMethod.Post, $"/warehouses/{op.Warehouse}/faults", new { type = "offline" }, FrontDoor.Admin, CallTimeout, cancellationToken), cancellationToken);
                ledger.Count("fault_warehouse_offline");
                prompt = $"Warehouse {op.Warehouse} is offline. Investigate and bring it back online.";
                agentType = "warehouse-ops";
                break;
            case RunKind.Retry or RunKind.Cancel:
                targetOrder = PickOrder(op) ?? await PlaceFailingOrderAsync(op, cancellationToken);
                if (targetOrder is null)
                {
                    ledger.Count($"run_{op.Kind}_skipped_no_order");
                    Note($"op #{op.Index} {op.Kind}: no acknowledged FAILED order to act on");
                    return;
                }
                prompt = op.Kind == RunKind.Retry ? $"Order {targetOrder} failed, retry it" : $"Cancel order {targetOrder}";
                agentType = "fulfillment";
                break;
            default:
                prompt = "Why are orders failing?";
                agentType = "log-analyzer";
                break;
        }
        DateTimeOffset? targetUpdatedAt = null;
        string? targetStatus = null;
        if (targetOrder is { } orderId)
        {
            var before = await door.GetSettledAsync($"/store/orders/{orderId}", FrontDoor.Admin, cancellationToken);
            if (before.Status == 200)
            {
                targetStatus = before.Json.GetProperty("status").GetString();
                targetUpdatedAt = before.Json.GetProperty("updated_at").GetDateTimeOffset();
            }
        }

        var started = await door.SendAsync(HttpMethod.Post, "/agents/runs", new { prompt, agent_type = op.Orchestrated ? null : agentType }, FrontDoor.Admin, CallTimeout, cancellationToken);
        if (started.Status != 201)
        {
            ledger.Count(started.Indeterminate ? "runs_start_indeterminate" : $"runs_start_refused_{started.Status}");
            Note($"op #{op.Index} run start: {started.Describe()}");
            if (op.Kind == RunKind.Restart) await ClearFaultAsync(op.Warehouse, cancellationToken);
            return;
        }
        var runId = started.Json.GetProperty("id").GetGuid();
        if (target is not null) target.Run = runId;
        var claim = new RunClaim(op.Index, runId, op.Kind, op.Orchestrated, op.Decision, prompt)
        {
            SetStock = target,
            TargetOrder = targetOrder,
            TargetOrderStatus = targetStatus,
            TargetOrderUpdatedAt = targetUpdatedAt,
        };
        ledger.Runs[runId] = claim;
        ledger.Count("runs_started");
        try
        {
            await DriveRunAsync(op, claim, cancellationToken);
        }
        finally
        {
            if (op.Kind == RunKind.Restart) await ClearFaultAsync(op.Warehouse, CancellationToken.None);
        }
        if (target is not null) await SetTripwireAsync(claim, target, cancellationToken);
    }

    /// <summary>
    /// No FAILED order yet: place one that must fail (more copies than any warehouse holds), paid, so the run has a
    /// target and the refund path is exercised. Deterministic from the op: customer, book and key.
    /// </summary>
    private async Task<Guid?> PlaceFailingOrderAsync(RunOp op, CancellationToken cancellationToken)
    {
        var customer = ledger.Customers[op.Target % ledger.Customers.Count];
        var book = ledger.Books[op.Target % ledger.Books.Count];
        const int quantity = 999;
        var key = $"harness-{plan.Seed}-{op.Index}-failing";
        var body = new { items = new[] { new { bookId = book.Id, quantity } }, payment = new { method = "card", amount = book.Price * quantity } };
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            var answer = await door.SendAsync(HttpMethod.Post, "/store/orders", body, customer.Auth, OrderTimeout, cancellationToken, ("Idempotency-Key", key));
            if (answer.Status == 201)
            {
                var order = answer.Json;
                var claim = new OrderClaim(op.Index, order.GetProperty("id").GetGuid(), customer, [(book.Id, quantity)], key, book.Price * quantity,
                    order.GetProperty("status").GetString()!, order.TryGetProperty("warehouse", out var w) && w.ValueKind == JsonValueKind.String ? w.GetString() : null,
                    DateTimeOffset.UtcNow);
                ledger.Orders.TryAdd(claim.Id, claim);
                ledger.Count("orders_placed_to_fail");
                return claim.AckStatus is "FAILED" or "PENDING" && ledger.TargetedOrders.TryAdd(claim.Id, Guid.Empty) ? claim.Id : null;
            }
            if (!answer.Indeterminate) return null;
            ledger.UncertainOrders.Add((op.Index, OrderRules.IdFor(customer.UserId, key), $"attempt {attempt}: {answer.Describe()}"));
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 300 * attempt)), cancellationToken);
        }
        return null;
    }

    private Guid? PickOrder(RunOp op)
    {
        var wanted = op.Kind == RunKind.Retry ? new[] { "FAILED" } : ["FAILED", "PENDING"];
        var candidates = ledger.Orders.Values.Where(o => wanted.Contains(o.AckStatus) && !ledger.TargetedOrders.ContainsKey(o.Id)).OrderBy(o => o.Op).ToList();
        for (var i = 0; i < candidates.Count; i++)
        {
            var pick = candidates[(op.Target + i) % candidates.Count];
            if (ledger.TargetedOrders.TryAdd(pick.Id, Guid.Empty)) return pick.Id;
        }
        return null;
    }

    /// <summary>Waits for each proposal and decides it: the first as planned, any later one approved. Bounded.</summary>
    private async Task DriveRunAsync(RunOp op, RunClaim claim, CancellationToken cancellationToken)
    {
        for (var round = 0; round < 4; round++)
        {
            var (status, pending) = await WaitForDecisionPointAsync(claim, TimeSpan.FromSeconds(40), cancellationToken);
            claim.LastStatusSeen = status;
            if (pending is not { } p) return;
            var callId = p.GetProperty("call_id").GetString()!;
            var tool = p.GetProperty("tool_name").GetString()!;
            claim.Notes.Enqueue($"proposal {callId} {tool} {p.GetProperty("args").GetRawText()}");
            if (claim.SetStock is { } t && tool == "set_stock" && !ProposalMatches(p.GetProperty("args"), t))
                claim.Notes.Enqueue($"unexpected set_stock arguments {p.GetProperty("args").GetRawText()}");

            var decision = round == 0 ? op.Decision : DecisionKind.Approve;
            await Task.Delay(op.DecisionDelay, cancellationToken);
            switch (decision)
            {
                case DecisionKind.Expire:
                    ledger.Count("decisions_left_to_expire");
                    return;
                case DecisionKind.Cancel:
                    var cancelled = await SendWithRetryAsync(HttpMethod.Post, $"/agents/runs/{claim.Id}/cancel", new { reason = "the fault harness cancels it" }, cancellationToken);
                    claim.CancelAcknowledged = cancelled.Status == 200;
                    claim.Notes.Enqueue($"cancel answered {cancelled.Describe()}");
                    ledger.Count(cancelled.Status == 200 ? "runs_cancelled" : "runs_cancel_not_acknowledged");
                    return;
            }
            object body;
            string? edited = null;
            string decided;
            if (decision == DecisionKind.Reject)
            {
                body = new { decision = "rejected", feedback = "not now, says the fault harness", call_id = callId };
                decided = "rejected";
            }
            else if (decision == DecisionKind.Edit && Edit(tool, p.GetProperty("args"), claim) is { } args)
            {
                edited = args.ToJsonString();
                body = new { decision = "approved", call_id = callId, args };
                decided = "approved";
            }
            else
            {
                body = new { decision = "approved", call_id = callId };
                decided = "approved";
            }
            var answer = await SendWithRetryAsync(HttpMethod.Post, $"/agents/runs/{claim.Id}/resume", body, cancellationToken);
            ledger.Decisions.Add(new DecisionClaim(claim.Id, callId, decided, edited, answer.Status, answer.Describe(), DateTimeOffset.UtcNow));
            ledger.Count(answer.Status == 200 ? $"decisions_{decided}{(edited is null ? "" : "_edited")}" : $"decisions_answered_{answer.Status}");
            if (answer.Status == 200 && op.DuplicateDecision && round == 0)
            {
                // A second click: it must change nothing (409).
                var again = await door.SendAsync(HttpMethod.Post, $"/agents/runs/{claim.Id}/resume", body, FrontDoor.Admin, CallTimeout, cancellationToken);
                ledger.Count($"decisions_repeated_{again.Status}");
                if (again.Status == 200)
                {
                    ledger.Decisions.Add(new DecisionClaim(claim.Id, callId, decided, edited, again.Status, "repeated: " + again.Describe(), DateTimeOffset.UtcNow));
                    ledger.Immediate.Add(new Violation("decision_accepted_twice", $"run {claim.Id} call {callId}: the same {decided} decision was answered 200 twice"));
                }
            }
            if (answer.Status != 200) return;
        }
    }

    private static bool ProposalMatches(JsonElement args, SetStockTarget t) =>
        args.TryGetProperty("warehouse", out var w) && w.GetString() == t.Warehouse
        && args.TryGetProperty("book_id", out var b) && Guid.TryParse(b.GetString(), out var id) && id == t.Book.Id
        && args.TryGetProperty("quantity", out var q) && q.GetInt32() == t.Proposed;

    private static JsonObject? Edit(string tool, JsonElement proposed, RunClaim claim)
    {
        var args = JsonNode.Parse(proposed.GetRawText()) as JsonObject;
        if (args is null) return null;
        switch (tool)
        {
            case "set_stock" when claim.SetStock is { } t:
                args["quantity"] = t.Edited;
                return args;
            case "cancel_order":
                args["reason"] = "edited by the fault harness";
                return args;
            default:
                return null;
        }
    }

    /// <summary>Polls the run until a call waits for a decision (its own or a child's) or the run ends. Bounded.</summary>
    private async Task<(string? Status, JsonElement? Pending)> WaitForDecisionPointAsync(RunClaim claim, TimeSpan patience, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + patience;
        string? status = null;
        while (DateTime.UtcNow < deadline)
        {
            var run = await door.GetAsync($"/agents/runs/{claim.Id}", FrontDoor.Admin, cancellationToken);
            if (run.Status == 200)
            {
                status = run.Json.GetProperty("status").GetString();
                if (status is "completed" or "failed" or "cancelled") return (status, null);
                if (run.Json.GetProperty("pending_tool") is { ValueKind: JsonValueKind.Object } pending) return (status, pending.Clone());
            }
            await Task.Delay(300, cancellationToken);
        }
        claim.Notes.Enqueue($"no decision point within {patience.TotalSeconds:0} s (last status {status ?? "unknown"})");
        return (status, null);
    }

    /// <summary>
    /// After a set_stock call's success is journaled, the harness sets the pair to a third value of its own. If the
    /// call ever ran again (a second effect), the stock would go back to the approved value and the check sees it.
    /// </summary>
    private async Task SetTripwireAsync(RunClaim claim, SetStockTarget target, CancellationToken cancellationToken)
    {
        var events = await RunEventsAsync(claim.Id, cancellationToken);
        var proposals = events.Where(e => e.GetProperty("type").GetString() == "TOOL_PROPOSED" && e.GetProperty("payload").GetProperty("tool_name").GetString() == "set_stock")
            .Select(e => e.GetProperty("payload").GetProperty("call_id").GetString()).ToHashSet();
        var succeeded = events.Any(e => e.GetProperty("type").GetString() == "TOOL_RESULT"
            && proposals.Contains(e.GetProperty("payload").GetProperty("call_id").GetString())
            && e.GetProperty("payload").GetProperty("status").GetString() == "success");
        if (!succeeded) return;
        var answer = await SendWithRetryAsync(HttpMethod.Patch, $"/warehouses/{target.Warehouse}/inventory/{target.Book.Id}", new { quantity = target.Sentinel }, cancellationToken);
        target.SentinelSet = answer.Status == 200 ? true : answer.Indeterminate ? false : null;
        ledger.Count(answer.Status == 200 ? "tripwires_set" : "tripwires_not_set");
    }

    /// <summary>The journal events of a run and its child runs, as the API shows them.</summary>
    public async Task<List<JsonElement>> RunEventsAsync(Guid runId, CancellationToken cancellationToken)
    {
        var events = new List<JsonElement>();
        var queue = new Queue<Guid>([runId]);
        var seen = new HashSet<Guid>();
        while (queue.Count > 0 && seen.Count < 20)
        {
            var id = queue.Dequeue();
            if (!seen.Add(id)) continue;
            var run = await door.GetSettledAsync($"/agents/runs/{id}", FrontDoor.Admin, cancellationToken);
            if (run.Status != 200) continue;
            events.AddRange(run.Json.GetProperty("events").EnumerateArray().Select(e => e.Clone()));
            if (run.Json.TryGetProperty("child_run_ids", out var children) && children.ValueKind == JsonValueKind.Array)
            {
                foreach (var child in children.EnumerateArray()) queue.Enqueue(child.GetGuid());
            }
        }
        return events;
    }

    // ---- shipments ----------------------------------------------------------------------------------------------

    private async Task ShipmentAsync(ShipmentOp op, CancellationToken cancellationToken)
    {
        Guid orderId;
        string warehouse;
        List<(Guid Book, int Quantity)> items;
        if (op.Replay)
        {
            var shipped = ledger.Orders.Values.Where(o => o is { AckStatus: "SHIPPED", AckWarehouse: not null }).OrderBy(o => o.Op).ToList();
            if (shipped.Count == 0)
            {
                ledger.Count("shipment_replays_skipped");
                return;
            }
            var order = shipped[op.Target % shipped.Count];
            (orderId, warehouse, items) = (order.Id, order.AckWarehouse!, [.. order.Lines]);
        }
        else
        {
            (orderId, warehouse, items) = (op.RawOrderId, op.Warehouse, [(ledger.Books[op.Book].Id, op.Quantity)]);
        }
        var body = new { orderId, items = items.Select(i => new { bookId = i.Book, quantity = i.Quantity }) };
        // Two copies of the instruction at once, each retried until it gets an answer.
        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => SendWithRetryAsync(HttpMethod.Post, $"/warehouses/{warehouse}/shipments", body, cancellationToken, FrontDoor.Service)));
        var results = answers.Select(a => (a.Status, a.Status is 200 or 201 && a.Json.TryGetProperty("id", out var id) ? id.GetGuid() : (Guid?)null)).ToList();
        ledger.Shipments.Add(new ShipmentClaim(op.Index, orderId, warehouse, op.Replay, items, results));
        ledger.Count(op.Replay ? "shipment_replays_sent" : "shipment_instructions_sent");
        Note($"op #{op.Index} shipment {orderId} at {warehouse}: {string.Join(", ", answers.Select(a => a.Describe()))}");
    }

    // ---- warehouse faults ---------------------------------------------------------------------------------------

    private async Task WarehouseFaultAsync(WarehouseFaultOp op, CancellationToken cancellationToken)
    {
        object body = op.Kind == "slow" ? new { type = "slow", delay_ms = op.DelayMs } : new { type = "offline" };
        var set = await Retry(() => door.SendAsync(HttpMethod.Post, $"/warehouses/{op.Warehouse}/faults", body, FrontDoor.Admin, CallTimeout, cancellationToken), cancellationToken);
        if (set.Status == 200) ledger.Count($"fault_warehouse_{op.Kind}");
        await Task.Delay(op.Hold, cancellationToken);
        await ClearFaultAsync(op.Warehouse, cancellationToken);
    }

    private Task ClearFaultAsync(string warehouse, CancellationToken cancellationToken) =>
        Retry(() => door.SendAsync(HttpMethod.Delete, $"/warehouses/{warehouse}/faults", null, FrontDoor.Admin, CallTimeout, cancellationToken), cancellationToken);

    // ---- helpers ------------------------------------------------------------------------------------------------

    /// <summary>Sends until an answer that is not indeterminate (bounded); a 409 after an unanswered attempt says the first got through.</summary>
    private async Task<Answer> SendWithRetryAsync(HttpMethod method, string path, object body, CancellationToken cancellationToken, AuthenticationHeaderValue? auth = null)
    {
        Answer answer = new(0, null, "not sent");
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            answer = await door.SendAsync(method, path, body, auth ?? FrontDoor.Admin, CallTimeout, cancellationToken);
            if (!answer.Indeterminate) return attempt == 1 ? answer : answer with { Failure = $"after {attempt - 1} unanswered attempt(s)" };
            await Task.Delay(TimeSpan.FromMilliseconds(400 * attempt), cancellationToken);
        }
        return answer;
    }

    private static async Task<Answer> Retry(Func<Task<Answer>> send, CancellationToken cancellationToken, bool acceptConflict = false)
    {
        Answer answer = new(0, null, "not sent");
        for (var attempt = 1; attempt <= 8; attempt++)
        {
            answer = await send();
            if (answer.Ok || (acceptConflict && answer.Status == 409) || !answer.Indeterminate) return answer;
            await Task.Delay(TimeSpan.FromMilliseconds(300 * attempt), cancellationToken);
        }
        return answer;
    }

    private static async Task<JsonElement> Must(Task<Answer> call, string what)
    {
        var answer = await call;
        if (answer.Ok && answer.Body is { } body) return body;
        if (answer.Status == 409) return default;
        throw new InvalidOperationException($"{what} answered {answer.Describe()}");
    }
}
