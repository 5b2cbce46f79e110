using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace AgentOps.FaultHarness;

/// <summary>How one schedule's recovery went, for the report.</summary>
public sealed record RecoveryReport(bool Healthy, TimeSpan OrdersSettledAfter, TimeSpan RunsSettledAfter, int OrdersChecked, int RunsChecked);

/// <summary>
/// After a schedule: lets the system recover (faults healed, sweepers given their time, bounded), then holds what the
/// workload was told (the <see cref="Ledger"/>) against what PostgreSQL and the API say. Each broken rule is one
/// <see cref="Violation"/> with the ids and values that show it.
/// </summary>
public sealed class Checker(Cluster cluster, FrontDoor door, Ledger ledger, HarnessOptions options, Action<string> log)
{
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(15);
    private readonly List<Violation> _violations = [];
    private readonly CultureInfo _c = CultureInfo.InvariantCulture;

    private string Db => cluster.Postgres.HarnessConnectionString(cluster.Database);

    private void Violate(string kind, string detail)
    {
        lock (_violations) _violations.Add(new Violation(kind, detail));
    }

    // ---- recovery -----------------------------------------------------------------------------------------------

    public async Task<(RecoveryReport Report, List<Violation> Violations)> RecoverAndCheckAsync(CancellationToken cancellationToken)
    {
        foreach (var v in ledger.Immediate) _violations.Add(v);

        await cluster.HealAsync(cancellationToken);
        var healthy = await cluster.WaitWebHealthyAsync(TimeSpan.FromSeconds(120), cancellationToken);
        if (!healthy) Violate("not_recovered", "the front door did not answer /health with 200 within 120 s after every process was running again");
        foreach (var warehouse in SchedulePlan.Warehouses)
        {
            await Retry(() => door.SendAsync(HttpMethod.Delete, $"/warehouses/{warehouse}/faults", null, FrontDoor.Admin, TimeSpan.FromSeconds(10), cancellationToken), cancellationToken);
        }
        var recoveredAt = DateTime.UtcNow;

        // Orders: none may still be PENDING 60 s after recovery.
        var ordersSettled = await WaitAsync(async () => await CountPendingOrderRowsAsync(cancellationToken) == 0, options.PendingPatience, cancellationToken);
        var ordersAfter = DateTime.UtcNow - recoveredAt;
        // Runs: every run ends or waits on a person; waiting ones expire (ApprovalTimeout is short here). Bounded.
        var runPatience = options.ApprovalTimeout + TimeSpan.FromSeconds(45);
        await WaitAsync(async () => RunsSettled(await ReadJournalsAsync(cancellationToken)), runPatience, cancellationToken);
        var runsAfter = DateTime.UtcNow - recoveredAt;
        if (!ordersSettled) log($"orders still PENDING {options.PendingPatience.TotalSeconds:0} s after recovery");

        var (ordersChecked, runsChecked) = await CheckAsync(cancellationToken);
        return (new RecoveryReport(healthy, ordersAfter, runsAfter, ordersChecked, runsChecked), _violations);
    }

    private async Task<int> CountPendingOrderRowsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(Db);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT count(*) FROM agentops_orders WHERE status = 'PENDING'", connection);
            var rows = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), _c);
            // A claim the API still shows PENDING counts too (its row may say otherwise).
            var pendingClaims = 0;
            foreach (var claim in ledger.Orders.Values.Where(o => o.AckStatus == "PENDING"))
            {
                var now = await door.GetAsync($"/store/orders/{claim.Id}", FrontDoor.Admin, cancellationToken);
                if (now.Status != 200 || now.Json.GetProperty("status").GetString() == "PENDING") pendingClaims++;
            }
            return rows + pendingClaims;
        }
        catch (NpgsqlException)
        {
            return int.MaxValue;
        }
    }

    /// <summary>Settled: every run ended, or waits on a child that is itself still going; calls waiting on a person are waited out (they expire).</summary>
    private static bool RunsSettled(Dictionary<Guid, RunJournal> journals)
    {
        foreach (var run in journals.Values)
        {
            if (run.IsTerminal) continue;
            if (run.Status != "suspended" || run.AwaitingCall is not null) return false;
            if (run.BlockedByChild is not { } child || !journals.TryGetValue(child, out var c) || c.IsTerminal) return false;
        }
        return true;
    }

    private static async Task<bool> WaitAsync(Func<Task<bool>> done, TimeSpan patience, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            if (await done()) return true;
            await Task.Delay(1000, cancellationToken);
        }
        return await done();
    }

    // ---- evidence -----------------------------------------------------------------------------------------------

    private sealed record OrderRow(Guid Id, Guid UserId, string Status);

    private sealed record ShipmentEntry(string Warehouse, Guid OrderId, Guid ShipmentId, List<(Guid Book, int Quantity)> Items, string Source);

    private async Task<Dictionary<Guid, OrderRow>> ReadOrderRowsAsync(CancellationToken cancellationToken)
    {
        var rows = new Dictionary<Guid, OrderRow>();
        await using var connection = new NpgsqlConnection(Db);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT order_id, user_id, status FROM agentops_orders", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) rows[reader.GetGuid(0)] = new OrderRow(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2));
        return rows;
    }

    private async Task<List<ShipmentEntry>> ReadShipmentLogAsync(CancellationToken cancellationToken)
    {
        var entries = new List<ShipmentEntry>();
        await using var connection = new NpgsqlConnection(Db);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT warehouse, order_id, shipment_id, items::text FROM agentops_shipments", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var items = JsonSerializer.Deserialize<JsonElement>(reader.GetString(3)).EnumerateArray()
                .Select(i => (Prop(i, "BookId", "bookId", "book_id").GetGuid(), Prop(i, "Quantity", "quantity").GetInt32())).ToList();
            entries.Add(new ShipmentEntry(reader.GetString(0), reader.GetGuid(1), reader.GetGuid(2), items, "agentops_shipments"));
        }
        return entries;
    }

    private async Task<Dictionary<Guid, RunJournal>> ReadJournalsAsync(CancellationToken cancellationToken)
    {
        var byRun = new Dictionary<Guid, List<JournalEvent>>();
        try
        {
            await using var connection = new NpgsqlConnection(Db);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT run_id, sequence, event_type, payload::text, created_at FROM agentops_run_journal ORDER BY run_id, sequence", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetGuid(0);
                if (!byRun.TryGetValue(id, out var list)) byRun[id] = list = [];
                list.Add(new JournalEvent(reader.GetInt32(1), reader.GetString(2), JsonSerializer.Deserialize<JsonElement>(reader.GetString(3)),
                    new DateTimeOffset(reader.GetDateTime(4), TimeSpan.Zero)));
            }
        }
        catch (NpgsqlException)
        {
            return [];
        }
        return byRun.ToDictionary(kv => kv.Key, kv => new RunJournal(kv.Key, kv.Value));
    }

    private sealed record RunRow(Guid Id, Guid? Parent, string Status, int Version, string? PendingCall);

    private async Task<Dictionary<Guid, RunRow>> ReadRunRowsAsync(CancellationToken cancellationToken)
    {
        var rows = new Dictionary<Guid, RunRow>();
        await using var connection = new NpgsqlConnection(Db);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT run_id, parent_run_id, status, version, pending_call_id FROM agentops_runs", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows[reader.GetGuid(0)] = new RunRow(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.GetString(2), reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetString(4));
        }
        return rows;
    }

    // ---- the checks ---------------------------------------------------------------------------------------------

    private async Task<(int Orders, int Runs)> CheckAsync(CancellationToken cancellationToken)
    {
        var rows = await ReadOrderRowsAsync(cancellationToken);
        var shipmentLog = await ReadShipmentLogAsync(cancellationToken);
        var journals = await ReadJournalsAsync(cancellationToken);
        var runRows = await ReadRunRowsAsync(cancellationToken);
        using var stateReader = new GrainStateReader();
        var stored = await stateReader.ReadAsync(Db, cancellationToken);
        if (stored.Undecodable > 0) Violate("storage_undecodable", $"{stored.Undecodable} grain state row(s) could not be decoded");
        if (options.Verbose)
            log($"evidence: {rows.Count} order rows, {shipmentLog.Count} archived shipments, {journals.Count} journals ({journals.Values.Sum(j => j.Events.Count)} events), " +
                $"stored state of {stored.Warehouses.Count} warehouses, {stored.Orders.Count} orders, {stored.OpsEvents.Count} ops events");

        // Every order the system knows of (its rows) and every one it acknowledged, as the API shows it now.
        var orderIds = rows.Keys.Union(ledger.Orders.Keys).ToList();
        var orders = new Dictionary<Guid, JsonElement>();
        await Parallel.ForEachAsync(orderIds, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            var answer = await door.GetSettledAsync($"/store/orders/{id}", FrontDoor.Admin, ct);
            if (answer.Status == 200) lock (orders) orders[id] = answer.Json;
            else if (answer.Status == 404 && ledger.Orders.ContainsKey(id)) Violate("order_lost", $"order {id} was acknowledged with 201 (op #{ledger.Orders[id].Op}) but GET /store/orders/{id} answers 404");
            else if (answer.Status != 404) Violate("order_unreadable", $"GET /store/orders/{id} answers {answer.Describe()}");
        });

        var shipments = await CollectShipmentsAsync(shipmentLog, stored, cancellationToken);
        CheckOrders(rows, orders);
        CheckShipments(shipments, orders);
        var current = await CheckStockAsync(shipments, stored, cancellationToken);
        await CheckAvailableStockAsync(current, cancellationToken);
        await CheckRunsAsync(journals, runRows, cancellationToken);
        CheckEffects(journals, orders, stored, current);
        CheckDecisionClaims(journals);
        return (orderIds.Count, journals.Count);
    }

    // ---- orders ---------------------------------------------------------------------------------------------------

    private void CheckOrders(Dictionary<Guid, OrderRow> rows, Dictionary<Guid, JsonElement> orders)
    {
        foreach (var claim in ledger.Orders.Values)
        {
            if (!rows.ContainsKey(claim.Id)) Violate("order_row_missing", $"order {claim.Id} (op #{claim.Op}) was acknowledged with 201 but has no row in agentops_orders");
        }
        foreach (var row in rows.Values.Where(r => !orders.ContainsKey(r.Id) && !ledger.Orders.ContainsKey(r.Id)))
        {
            // A row is the durable PENDING record: the sweeper must rebuild the order from it.
            Violate(row.Status == "PENDING" ? "order_pending" : "order_row_without_order",
                $"order {row.Id} has a {row.Status} row in agentops_orders but GET /store/orders/{row.Id} does not find it (never acknowledged)");
        }
        foreach (var (id, order) in orders)
        {
            var status = order.GetProperty("status").GetString()!;
            if (status == "PENDING")
            {
                Violate("order_pending", $"order {id} is still PENDING {options.PendingPatience.TotalSeconds:0} s after recovery{(ledger.Orders.ContainsKey(id) ? $" (acknowledged, op #{ledger.Orders[id].Op})" : " (never acknowledged)")}");
                continue;
            }
            if (status is not ("SHIPPED" or "FAILED" or "CANCELLED")) Violate("order_status_unknown", $"order {id} has status {status}");
            if (rows.TryGetValue(id, out var row) && row.Status != status)
                Violate("order_row_stale", $"order {id}: the order says {status}, its agentops_orders row says {row.Status}");

            CheckPayment(id, order, status);
            if (!ledger.Orders.TryGetValue(id, out var claim)) continue;

            var lines = order.GetProperty("items").EnumerateArray().Select(i => (Prop(i, "bookId", "book_id").GetGuid(), i.GetProperty("quantity").GetInt32())).OrderBy(l => l.Item1).ToList();
            if (!lines.SequenceEqual(claim.Lines.OrderBy(l => l.Book)))
                Violate("order_lines_changed", $"order {id}: placed {Lines(claim.Lines)}, now {Lines(lines)}");
            if (order.GetProperty("user_id").GetGuid() != claim.Customer.UserId)
                Violate("order_owner_changed", $"order {id}: placed by {claim.Customer.Email}, now belongs to {order.GetProperty("user_id").GetGuid()}");
            var warehouse = order.TryGetProperty("warehouse", out var w) && w.ValueKind == JsonValueKind.String ? w.GetString() : null;
            if (claim.AckStatus == "SHIPPED" && (status != "SHIPPED" || warehouse != claim.AckWarehouse))
                Violate("order_ack_contradicted", $"order {id} was acknowledged SHIPPED from {claim.AckWarehouse}, now {status}{(warehouse is null ? "" : $" from {warehouse}")}");
            if (claim.AckStatus is "FAILED" or "CANCELLED" && status != claim.AckStatus && !ledger.TargetedOrders.ContainsKey(id))
                Violate("order_changed_without_cause", $"order {id} was acknowledged {claim.AckStatus}, is now {status}, and no retry or cancel run touched it");
        }
    }

    private void CheckPayment(Guid id, JsonElement order, string status)
    {
        var paid = ledger.Orders.TryGetValue(id, out var claim) ? claim.PaidAmount : null;
        var payment = order.TryGetProperty("payment", out var p) && p.ValueKind == JsonValueKind.Object ? p : (JsonElement?)null;
        if (paid is { } amount && payment is null)
        {
            Violate("payment_lost", $"order {id} was placed with a payment of {amount.ToString(_c)}; it has none now");
            return;
        }
        if (payment is not { } pay) return;
        if (paid is { } expected && pay.GetProperty("amount").GetDecimal() != expected)
            Violate("payment_amount_changed", $"order {id}: paid {expected.ToString(_c)}, payment now says {pay.GetProperty("amount").GetDecimal().ToString(_c)}");
        var payStatus = pay.GetProperty("status").GetString();
        var refundedAt = pay.TryGetProperty("refunded_at", out var r) && r.ValueKind == JsonValueKind.String;
        switch (status)
        {
            case "SHIPPED" when payStatus != "CAPTURED":
                Violate("payment_wrong_state", $"order {id} is SHIPPED but its payment is {payStatus}");
                break;
            case "FAILED" or "CANCELLED" when payStatus != "REFUNDED" || !refundedAt:
                Violate("payment_not_refunded", $"order {id} is {status} but its payment is {payStatus}{(refundedAt ? "" : " without refunded_at")}");
                break;
        }
    }

    // ---- shipments ------------------------------------------------------------------------------------------------

    /// <summary>
    /// Units shipped = the warehouse shipment log: agentops_shipments, plus confirmations a warehouse state written by
    /// an earlier version still holds (decoded from agentops_grain_state; moved to the log on activation), plus what GET
    /// /warehouses/{name}/shipments lists (the newest 1000). All three must agree on each shipment.
    /// </summary>
    private async Task<Dictionary<(string Warehouse, Guid Order), ShipmentEntry>> CollectShipmentsAsync(List<ShipmentEntry> log, StoredState stored, CancellationToken cancellationToken)
    {
        var all = new Dictionary<(string, Guid), ShipmentEntry>();
        void Add(ShipmentEntry e)
        {
            if (all.TryGetValue((e.Warehouse, e.OrderId), out var known))
            {
                if (known.ShipmentId != e.ShipmentId || !known.Items.OrderBy(i => i.Book).SequenceEqual(e.Items.OrderBy(i => i.Book)))
                    Violate("shipment_records_disagree", $"order {e.OrderId} at {e.Warehouse}: {known.Source} has shipment {known.ShipmentId} {Lines(known.Items)}, {e.Source} has {e.ShipmentId} {Lines(e.Items)}");
                return;
            }
            all[(e.Warehouse, e.OrderId)] = e;
        }
        foreach (var e in log) Add(e);
        foreach (var (warehouse, state) in stored.Warehouses)
        {
            foreach (var c in state.Shipments.Values)
                Add(new ShipmentEntry(warehouse, c.OrderId, c.ShipmentId, [.. c.Items.Select(i => (i.BookId, i.Quantity))], "warehouse state (not archived)"));
        }
        foreach (var warehouse in SchedulePlan.Warehouses)
        {
            var listed = await door.GetSettledAsync($"/warehouses/{warehouse}/shipments", FrontDoor.Admin, cancellationToken);
            if (listed.Status != 200)
            {
                Violate("shipments_unreadable", $"GET /warehouses/{warehouse}/shipments answers {listed.Describe()}");
                continue;
            }
            foreach (var s in listed.Json.EnumerateArray())
            {
                Add(new ShipmentEntry(warehouse, s.GetProperty("orderId").GetGuid(), s.GetProperty("id").GetGuid(),
                    [.. s.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("bookId").GetGuid(), i.GetProperty("quantity").GetInt32()))], "GET shipments"));
            }
        }
        foreach (var (warehouse, state) in stored.Warehouses)
        {
            var count = all.Keys.Count(k => k.Item1 == warehouse);
            if (state.ShippedCount != count)
                Violate("shipment_log_incomplete", $"warehouse {warehouse} counts {state.ShippedCount} shipments made, its shipment log holds {count}");
        }
        return all;
    }

    private void CheckShipments(Dictionary<(string Warehouse, Guid Order), ShipmentEntry> shipments, Dictionary<Guid, JsonElement> orders)
    {
        var raw = ledger.Shipments.Where(s => !s.Replay).Select(s => s.OrderId).ToHashSet();
        foreach (var group in shipments.Values.GroupBy(s => s.OrderId))
        {
            var at = group.ToList();
            if (at.Count > 1)
                Violate("order_shipped_twice", $"order {group.Key} is in the shipment logs of {string.Join(" and ", at.Select(s => $"{s.Warehouse} (shipment {s.ShipmentId})"))}");
            if (orders.TryGetValue(group.Key, out var order))
            {
                var status = order.GetProperty("status").GetString();
                if (status is "FAILED" or "CANCELLED")
                    Violate("unshipped_order_took_stock", $"order {group.Key} is {status} (refunded) but {at[0].Warehouse} shipped it (shipment {at[0].ShipmentId}, {Lines(at[0].Items)})");
            }
            else if (!raw.Contains(group.Key))
            {
                Violate("orphan_shipment", $"{at[0].Warehouse} shipped {Lines(at[0].Items)} for {group.Key}, which is no order and no instruction of the harness");
            }
        }
        foreach (var (id, order) in orders)
        {
            if (order.GetProperty("status").GetString() != "SHIPPED") continue;
            var warehouse = order.GetProperty("warehouse").GetString()!;
            var lines = order.GetProperty("items").EnumerateArray().Select(i => (Prop(i, "bookId", "book_id").GetGuid(), i.GetProperty("quantity").GetInt32())).OrderBy(l => l.Item1).ToList();
            if (!shipments.TryGetValue((warehouse, id), out var shipment))
            {
                var elsewhere = shipments.Values.FirstOrDefault(s => s.OrderId == id);
                Violate("shipped_order_without_shipment", $"order {id} is SHIPPED from {warehouse} but {warehouse} has no shipment for it{(elsewhere is null ? "" : $" ({elsewhere.Warehouse} has one)")}");
                continue;
            }
            if (!shipment.Items.OrderBy(i => i.Book).SequenceEqual(lines))
                Violate("shipment_items_mismatch", $"order {id}: ordered {Lines(lines)}, {warehouse} shipped {Lines(shipment.Items)}");
        }
        // The harness's own instructions, each sent twice at once.
        foreach (var claim in ledger.Shipments)
        {
            var confirmations = claim.Answers.Where(a => a.Status is 200 or 201).ToList();
            if (claim.Replay)
            {
                if (claim.Answers.Any(a => a.Status == 201))
                    Violate("duplicate_instruction_shipped_again", $"op #{claim.Op}: a repeated shipment instruction for order {claim.OrderId} (already SHIPPED from {claim.Warehouse}) answered 201 Created");
                var known = shipments.GetValueOrDefault((claim.Warehouse, claim.OrderId));
                foreach (var c in confirmations.Where(c => known is not null && c.ShipmentId != known.ShipmentId))
                    Violate("duplicate_instruction_other_confirmation", $"op #{claim.Op}: order {claim.OrderId} at {claim.Warehouse}: the repeat confirmed shipment {c.ShipmentId}, the log has {known!.ShipmentId}");
                continue;
            }
            if (claim.Answers.Count(a => a.Status == 201) > 1)
                Violate("instruction_shipped_twice", $"op #{claim.Op}: two copies of the instruction {claim.OrderId} at {claim.Warehouse} were both answered 201 Created");
            var ids = confirmations.Select(c => c.ShipmentId).Distinct().ToList();
            if (ids.Count > 1)
                Violate("instruction_confirmations_differ", $"op #{claim.Op}: instruction {claim.OrderId} at {claim.Warehouse} was confirmed as shipments {string.Join(" and ", ids)}");
            var logged = shipments.GetValueOrDefault((claim.Warehouse, claim.OrderId));
            if (ids.Count > 0 && logged is null)
                Violate("confirmed_shipment_lost", $"op #{claim.Op}: instruction {claim.OrderId} at {claim.Warehouse} was confirmed (shipment {ids[0]}) but is in no shipment log");
            else if (ids.Count > 0 && logged!.ShipmentId != ids[0])
                Violate("confirmed_shipment_lost", $"op #{claim.Op}: instruction {claim.OrderId} at {claim.Warehouse} was confirmed as shipment {ids[0]}, the log has {logged.ShipmentId}");
            else if (ids.Count == 0 && logged is not null && claim.Answers.All(a => a.Status is >= 400 and < 500))
                Violate("refused_instruction_shipped", $"op #{claim.Op}: both copies of instruction {claim.OrderId} at {claim.Warehouse} were refused ({string.Join(", ", claim.Answers.Select(a => a.Status))}) yet it is in the log");
        }
    }

    // ---- stock ----------------------------------------------------------------------------------------------------

    /// <summary>For every warehouse and seed book: initial stock = current stock + units shipped by recorded shipments.</summary>
    private async Task<Dictionary<(string Warehouse, Guid Book), int>> CheckStockAsync(Dictionary<(string Warehouse, Guid Order), ShipmentEntry> shipments, StoredState stored, CancellationToken cancellationToken)
    {
        var current = new Dictionary<(string, Guid), int>();
        foreach (var warehouse in SchedulePlan.Warehouses)
        {
            var answer = await door.GetSettledAsync($"/warehouses/{warehouse}/inventory", null, cancellationToken);
            if (answer.Status != 200)
            {
                Violate("stock_unreadable", $"GET /warehouses/{warehouse}/inventory answers {answer.Describe()}");
                continue;
            }
            foreach (var line in answer.Json.EnumerateArray()) current[(warehouse, line.GetProperty("bookId").GetGuid())] = line.GetProperty("quantity").GetInt32();
            if (stored.Warehouses.TryGetValue(warehouse, out var state))
            {
                foreach (var (book, quantity) in state.Stock)
                {
                    if (current.TryGetValue((warehouse, book), out var served) && served != quantity)
                        Violate("stock_not_durable", $"{warehouse}/{Title(book)}: the API serves {served}, storage holds {quantity}");
                }
            }
        }
        var shipped = shipments.Values.SelectMany(s => s.Items.Select(i => (s.Warehouse, i.Book, i.Quantity)))
            .GroupBy(x => (x.Warehouse, x.Book)).ToDictionary(g => g.Key, g => g.Sum(x => x.Quantity));
        foreach (var warehouse in SchedulePlan.Warehouses)
        {
            foreach (var book in ledger.Books)
            {
                var initial = ledger.InitialStock.GetValueOrDefault((warehouse, book.Id));
                var now = current.GetValueOrDefault((warehouse, book.Id));
                var out_ = shipped.GetValueOrDefault((warehouse, book.Id));
                if (now < 0) Violate("stock_negative", $"{warehouse}/{book.Title}: stock {now}");
                if (initial != now + out_)
                    Violate("stock_mismatch", $"{warehouse}/{book.Title}: initial {initial} ≠ current {now} + shipped {out_} (difference {initial - now - out_})");
            }
        }
        return current;
    }

    /// <summary>availableStock of every book equals the sum of the warehouses' stock within 5 s (all warehouses HEALTHY).</summary>
    private async Task CheckAvailableStockAsync(Dictionary<(string Warehouse, Guid Book), int> current, CancellationToken cancellationToken)
    {
        var healthy = await WaitAsync(async () =>
        {
            var list = await door.GetAsync("/store/warehouses", FrontDoor.Admin, cancellationToken);
            return list.Status == 200 && SchedulePlan.Warehouses.All(w => list.Json.EnumerateArray().Any(x => x.GetProperty("name").GetString() == w && x.GetProperty("status").GetString() == "HEALTHY"));
        }, TimeSpan.FromSeconds(30), cancellationToken);
        if (!healthy)
        {
            Violate("warehouse_not_healthy", "alpha and beta were not both HEALTHY within 30 s after recovery (faults cleared)");
            return;
        }
        var books = ledger.Books.Concat(ledger.AgentBooks).ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        List<string> wrong;
        do
        {
            wrong = [];
            foreach (var book in books)
            {
                var answer = await door.GetAsync($"/store/books/{book.Id}", null, cancellationToken);
                var expected = SchedulePlan.Warehouses.Sum(w => current.GetValueOrDefault((w, book.Id)));
                if (answer.Status != 200) wrong.Add($"{book.Title}: GET answers {answer.Describe()}");
                else if (answer.Json.GetProperty("availableStock").GetInt32() != expected)
                    wrong.Add($"{book.Title}: availableStock {answer.Json.GetProperty("availableStock").GetInt32()}, warehouses hold {expected} ({string.Join(" + ", SchedulePlan.Warehouses.Select(w => $"{w} {current.GetValueOrDefault((w, book.Id))}"))})");
            }
            if (wrong.Count == 0) return;
            await Task.Delay(500, cancellationToken);
        }
        while (DateTime.UtcNow < deadline);
        foreach (var w in wrong) Violate("available_stock_mismatch", $"5 s after recovery, {w}");
    }

    // ---- runs -----------------------------------------------------------------------------------------------------

    private async Task CheckRunsAsync(Dictionary<Guid, RunJournal> journals, Dictionary<Guid, RunRow> rows, CancellationToken cancellationToken)
    {
        foreach (var claim in ledger.Runs.Values)
        {
            if (!journals.ContainsKey(claim.Id)) Violate("run_lost", $"run {claim.Id} (op #{claim.Op}) was started with 201 but has no journal");
        }
        var now = DateTimeOffset.UtcNow;
        foreach (var run in journals.Values)
        {
            var events = run.Events;
            for (var i = 0; i < events.Count; i++)
            {
                if (events[i].Sequence != i + 1)
                {
                    Violate("journal_gap", $"run {run.Id}: sequences {string.Join(",", events.Select(e => e.Sequence))} are not 1..{events.Count}");
                    break;
                }
            }
            if (events.Count == 0 || events[0].Type != "RUN_STARTED" || events.Count(e => e.Type == "RUN_STARTED") != 1)
                Violate("journal_start", $"run {run.Id}: the journal does not start with exactly one RUN_STARTED ({string.Join(",", events.Take(3).Select(e => e.Type))}…)");
            foreach (var late in run.AfterEnd)
                Violate("event_after_end", $"run {run.Id}: {late.Type} (sequence {late.Sequence}) after the run ended");

            var proposals = new Dictionary<string, JournalEvent>();
            var results = new Dictionary<string, int>();
            var decisions = new Dictionary<string, List<JournalEvent>>();
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                switch (e.Type)
                {
                    case "TOOL_PROPOSED":
                        if (e.CallId is { } p && !proposals.TryAdd(p, e)) Violate("call_proposed_twice", $"run {run.Id}: call {p} proposed twice");
                        break;
                    case "TOOL_RESULT":
                        var call = e.CallId ?? "";
                        results[call] = results.GetValueOrDefault(call) + 1;
                        if (results[call] == 2) Violate("tool_result_twice", $"run {run.Id}: call {call} has more than one TOOL_RESULT (sequence {e.Sequence})");
                        if (!proposals.ContainsKey(call)) Violate("tool_result_without_proposal", $"run {run.Id}: TOOL_RESULT for call {call} (sequence {e.Sequence}) without a TOOL_PROPOSED before it");
                        break;
                    case "RUN_RESUMED":
                        var decided = e.CallId ?? "";
                        if (!decisions.TryGetValue(decided, out var list)) decisions[decided] = list = [];
                        list.Add(e);
                        if (list.Count == 2) Violate("decision_applied_twice", $"run {run.Id}: call {decided} has {list.Count} RUN_RESUMED ({string.Join(", ", list.Select(d => d.Str("decision")))})");
                        break;
                    case "RUN_SUSPENDED" when i + 1 < events.Count:
                        var next = events[i + 1];
                        var ok = next.Type == "RUN_CANCELLED"
                            || (e.CallId is { } c && next.Type == "RUN_RESUMED" && next.CallId == c)
                            || (e.Str("blocked_by_child_run_id") is { } child && next.Type == "CHILD_RUN_COMPLETED" && next.Str("child_run_id") == child);
                        if (!ok) Violate("suspension_not_followed_by_resolution", $"run {run.Id}: RUN_SUSPENDED (sequence {e.Sequence}, {e.CallId ?? e.Str("blocked_by_child_run_id")}) is followed by {next.Type} (sequence {next.Sequence})");
                        break;
                }
            }
            CheckDangerousCalls(run, proposals, decisions);

            if (rows.TryGetValue(run.Id, out var row))
            {
                if (row.Version != events.Count || row.Status != run.Status)
                    Violate("run_row_mismatch", $"run {run.Id}: the journal has {events.Count} events and folds to {run.Status}; agentops_runs says version {row.Version}, {row.Status}");
            }
            else
            {
                Violate("run_row_missing", $"run {run.Id} has a journal but no agentops_runs row");
            }

            if (!run.IsTerminal && !IsWaiting(run, journals, now, out var why))
                Violate(why.StartsWith("expiry", StringComparison.Ordinal) ? "expiry_overdue" : "run_stuck", $"run {run.Id} ({run.Status}): {why}");
            foreach (var e in events.Where(e => e.Type == "CHILD_RUN_STARTED"))
            {
                if (!Guid.TryParse(e.Str("child_run_id"), out var child) || !journals.TryGetValue(child, out var c))
                    Violate("child_run_missing", $"run {run.Id} started child run {e.Str("child_run_id")}, which has no journal");
                else if (c.Parent != run.Id)
                    Violate("child_run_parent", $"child run {child} names parent {c.Parent}, not {run.Id}");
                else if (run.Status == "cancelled" && !c.IsTerminal)
                    Violate("cancel_not_cascaded", $"run {run.Id} is cancelled but its child run {child} is {c.Status}");
            }
        }

        // The API's view of each run: the same events and status as the journal.
        await Parallel.ForEachAsync(journals.Values, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (run, ct) =>
        {
            var answer = await door.GetSettledAsync($"/agents/runs/{run.Id}", FrontDoor.Admin, ct);
            if (answer.Status != 200)
            {
                Violate("run_unreadable", $"GET /agents/runs/{run.Id} answers {answer.Describe()}");
                return;
            }
            var status = answer.Json.GetProperty("status").GetString();
            var sequences = answer.Json.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt32()).ToList();
            if (status != run.Status || !sequences.SequenceEqual(Enumerable.Range(1, run.Events.Count)))
                Violate("run_api_mismatch", $"run {run.Id}: the journal has {run.Events.Count} events and folds to {run.Status}; the API shows {sequences.Count} events ({(sequences.SequenceEqual(Enumerable.Range(1, sequences.Count)) ? "1.." + sequences.Count : string.Join(",", sequences))}) and {status}");
        });
    }

    /// <summary>Waiting = suspended on a call nobody decided yet (not overdue), or on a child run that is itself waiting.</summary>
    private bool IsWaiting(RunJournal run, Dictionary<Guid, RunJournal> journals, DateTimeOffset now, out string why)
    {
        why = "";
        if (run.Status != "suspended")
        {
            why = $"neither ended nor waiting for a decision (last event {run.Events[^1].Type} at {run.Events[^1].CreatedAt:HH:mm:ss.fff})";
            return false;
        }
        if (run.AwaitingCall is { } call)
        {
            if (run.AwaitingExpiresAt is { } expires && expires + Slack < now)
            {
                why = $"expiry of call {call} was due at {expires:HH:mm:ss.fff}, {(now - expires).TotalSeconds:0} s ago, and it still waits";
                return false;
            }
            return true;
        }
        if (run.BlockedByChild is { } child)
        {
            if (!journals.TryGetValue(child, out var c))
            {
                why = $"waits for child run {child}, which has no journal";
                return false;
            }
            if (c.IsTerminal)
            {
                why = $"waits for child run {child}, which is {c.Status} since {c.Events[^1].CreatedAt:HH:mm:ss.fff}";
                return false;
            }
            if (!IsWaiting(c, journals, now, out var childWhy))
            {
                why = $"waits for child run {child}, which is stuck: {childWhy}";
                return false;
            }
            return true;
        }
        why = "suspended on nothing";
        return false;
    }

    private void CheckDangerousCalls(RunJournal run, Dictionary<string, JournalEvent> proposals, Dictionary<string, List<JournalEvent>> decisions)
    {
        foreach (var (call, proposal) in proposals)
        {
            if (proposal.Str("risk") != "dangerous") continue;
            var events = run.Events;
            var result = events.FirstOrDefault(e => e.Type == "TOOL_RESULT" && e.CallId == call);
            var decision = decisions.GetValueOrDefault(call)?.FirstOrDefault();
            var verdict = decision?.Str("decision");
            if (result is not null && result.Str("status") == "success" && (verdict != "approved" || decision!.Sequence > result.Sequence))
                Violate("unapproved_execution", $"run {run.Id}: dangerous call {call} ({proposal.Str("tool_name")}) has a successful TOOL_RESULT without an approval before it (decision: {verdict ?? "none"})");
            if (verdict is "rejected" or "expired")
            {
                var next = events.FirstOrDefault(e => e.Sequence == decision!.Sequence + 1);
                if (next is null || next.Type != "TOOL_RESULT" || next.CallId != call || next.Str("status") != "error")
                    Violate("decision_without_error_result", $"run {run.Id}: call {call} was {verdict} but is not followed by its error TOOL_RESULT");
            }
            if (verdict == "expired")
            {
                var suspended = events.LastOrDefault(e => e.Type == "RUN_SUSPENDED" && e.CallId == call && e.Sequence < decision!.Sequence);
                if (suspended?.Str("expires_at") is { } text && DateTimeOffset.TryParse(text, _c, DateTimeStyles.None, out var due) && decision!.CreatedAt < due - TimeSpan.FromMilliseconds(500))
                    Violate("expired_early", $"run {run.Id}: call {call} expired at {decision.CreatedAt:HH:mm:ss.fff}, before its expiry {due:HH:mm:ss.fff}");
            }
        }
    }

    // ---- effects of dangerous calls ---------------------------------------------------------------------------------

    private sealed record CallFacts(Guid Run, string CallId, string Tool, JsonElement Args, string? Decision, JsonElement? ApprovedArgs, JournalEvent? Result);

    private static Dictionary<string, CallFacts> DangerousCalls(Dictionary<Guid, RunJournal> journals)
    {
        var calls = new Dictionary<string, CallFacts>(StringComparer.Ordinal);
        foreach (var run in journals.Values)
        {
            foreach (var p in run.Events.Where(e => e.Type == "TOOL_PROPOSED" && e.Str("risk") == "dangerous"))
            {
                var call = p.CallId!;
                var decision = run.Events.FirstOrDefault(e => e.Type == "RUN_RESUMED" && e.CallId == call);
                var approvedArgs = decision is not null && decision.Payload.TryGetProperty("approved_args", out var a) && a.ValueKind == JsonValueKind.Object ? a : (JsonElement?)null;
                calls[call] = new CallFacts(run.Id, call, p.Str("tool_name")!, p.Payload.GetProperty("args"), decision?.Str("decision"), approvedArgs,
                    run.Events.FirstOrDefault(e => e.Type == "TOOL_RESULT" && e.CallId == call));
            }
        }
        return calls;
    }

    /// <summary>
    /// Every dangerous call id has at most one effect: what storage recorded as applied (by call id) must have been
    /// approved; the harness's set-stock pairs (touched by nothing else) must end where the call's outcome says, and
    /// its tripwire must survive; restart and cancel effects are counted in the ops event log.
    /// </summary>
    private void CheckEffects(Dictionary<Guid, RunJournal> journals, Dictionary<Guid, JsonElement> orders, StoredState stored, Dictionary<(string Warehouse, Guid Book), int> current)
    {
        var calls = DangerousCalls(journals);
        void Applied(string where, string call, string effect)
        {
            if (!calls.TryGetValue(call, out var facts))
                Violate("effect_without_call", $"{where} records operation {call} ({effect}), which is no dangerous call in any journal");
            else if (facts.Decision != "approved")
                Violate("effect_without_approval", $"{where} applied {facts.Tool} call {call} of run {facts.Run} ({effect}) though it was {facts.Decision ?? "never decided"}");
            else if (effect != "no_fault" && facts.Result?.Str("status") == "error" && !UnknownOutcome(facts.Result))
                // The journal tells the agent and the approver the call failed, yet storage has its effect.
                Violate("effect_despite_error_result", $"{where} applied {facts.Tool} call {call} of run {facts.Run} ({effect}) but its TOOL_RESULT says it failed: {Brief(facts.Result)}");
        }
        foreach (var (warehouse, state) in stored.Warehouses)
        {
            foreach (var (op, effect) in state.Operations.Results) Applied($"warehouse {warehouse}", op, effect);
        }
        foreach (var (id, state) in stored.Orders)
        {
            foreach (var (op, effect) in state.Operations.Results) Applied($"order {id}", op, effect);
        }

        // Ops events name the run that acted: a restart or a cancel done twice shows up as two events.
        foreach (var group in stored.OpsEvents.Where(e => e.Kind is "warehouse_restarted" or "order_cancelled")
                     .GroupBy(e => (e.Kind, Subject: e.Details.GetValueOrDefault("warehouse") ?? e.Details.GetValueOrDefault("order_id") ?? "", Actor: ActorRun(e.Message))))
        {
            if (group.Key.Actor is null) continue;
            var approved = calls.Values.Count(c => c.Run == group.Key.Actor && c.Decision == "approved"
                && (c.Tool == "restart_warehouse" ? group.Key.Kind == "warehouse_restarted" && Arg(c, "name") == group.Key.Subject
                    : c.Tool == "cancel_order" && group.Key.Kind == "order_cancelled" && Arg(c, "order_id") == group.Key.Subject));
            if (group.Count() > approved)
                Violate("effect_applied_twice", $"{group.Key.Kind} of {group.Key.Subject} by run {group.Key.Actor}: {group.Count()} times in the ops event log, {approved} approved call(s)");
        }

        foreach (var target in ledger.SetStockTargets) CheckSetStockTarget(target, calls, current);
        foreach (var claim in ledger.Runs.Values)
        {
            if (claim.TargetOrder is { } order) CheckOrderTarget(claim, order, calls, orders, stored);
        }
        // Agent books no run targets at a warehouse stay at their initial stock.
        foreach (var book in ledger.AgentBooks)
        {
            foreach (var warehouse in SchedulePlan.Warehouses)
            {
                if (ledger.SetStockTargets.Any(t => t.Book.Id == book.Id && t.Warehouse == warehouse)) continue;
                var now = current.GetValueOrDefault((warehouse, book.Id), -1);
                if (now != SchedulePlan.AgentBookInitialStock)
                    Violate("stock_changed_without_cause", $"{warehouse}/{book.Title}: nothing was to change it from {SchedulePlan.AgentBookInitialStock}, it is {now}");
            }
        }
    }

    private void CheckSetStockTarget(SetStockTarget target, Dictionary<string, CallFacts> calls, Dictionary<(string Warehouse, Guid Book), int> current)
    {
        var mine = calls.Values.Where(c => c.Tool == "set_stock" && Arg(c, "book_id") is { } b && Guid.TryParse(b, out var id) && id == target.Book.Id).ToList();
        var now = current.GetValueOrDefault((target.Warehouse, target.Book.Id), -1);
        var where = $"{target.Warehouse}/{target.Book.Title} (run {target.Run?.ToString() ?? "whose start got no answer"})";
        if (mine.Count > 1)
        {
            Violate("set_stock_proposed_twice", $"{where}: {mine.Count} set_stock calls for one prompt ({string.Join(", ", mine.Select(c => c.CallId))})");
            return;
        }
        if (mine.Count == 0)
        {
            if (now != target.Initial) Violate("stock_changed_without_cause", $"{where}: no set_stock call was made, yet stock is {now}, not {target.Initial}");
            return;
        }
        var call = mine[0];
        var approvedValue = (call.ApprovedArgs ?? call.Args).TryGetProperty("quantity", out var q) ? q.GetInt32() : -1;
        var success = call.Result?.Str("status") == "success";
        var unknownOutcome = call.Result is null || (call.Result.Str("status") == "error" && UnknownOutcome(call.Result));
        int[] allowed;
        string expectation;
        if (target.SentinelSet == true)
        {
            allowed = [target.Sentinel];
            expectation = $"the harness's tripwire {target.Sentinel} (set after the call's success; the call must not run again)";
        }
        else if (target.SentinelSet == false)
        {
            allowed = [target.Sentinel, approvedValue];
            expectation = $"{approvedValue} or the tripwire {target.Sentinel}";
        }
        else if (call.Decision != "approved")
        {
            allowed = [target.Initial];
            expectation = $"{target.Initial} (the call was {call.Decision ?? "never decided"})";
        }
        else if (success)
        {
            allowed = [approvedValue];
            expectation = $"{approvedValue} (approved{(call.ApprovedArgs is null ? "" : " with edited arguments")} and succeeded)";
            if (call.Result!.Payload.GetProperty("output_data").TryGetProperty("quantity", out var reported) && reported.ValueKind == JsonValueKind.Number && reported.GetInt32() != approvedValue)
                Violate("set_stock_result_wrong", $"{where}: call {call.CallId} approved {approvedValue} but its result says {reported.GetInt32()}");
        }
        else if (unknownOutcome)
        {
            allowed = [target.Initial, approvedValue];
            expectation = $"{target.Initial} or {approvedValue} (approved, outcome not journaled)";
        }
        else
        {
            // Approved, and the tool reported an error: an effect all the same is reported from the stored operation log.
            allowed = [target.Initial, approvedValue];
            expectation = $"{target.Initial} or {approvedValue} (approved, the tool reported an error)";
        }
        if (allowed.Contains(now)) return;
        var kind = now == target.Proposed && call.ApprovedArgs is not null && target.Proposed != approvedValue ? "edited_args_ignored"
            : target.SentinelSet == true && now == approvedValue ? "effect_repeated"
            : now == approvedValue && call.Decision != "approved" ? "effect_without_approval"
            : now == approvedValue && call.Result?.Str("status") == "error" ? "effect_despite_error_result"
            : "set_stock_effect_wrong";
        Violate(kind, $"{where}: call {call.CallId} — stock is {now}, expected {expectation}{(call.Result is { } r && r.Str("status") == "error" ? $"; its TOOL_RESULT: {Brief(r)}" : "")}");
    }

    private void CheckOrderTarget(RunClaim claim, Guid order, Dictionary<string, CallFacts> calls, Dictionary<Guid, JsonElement> orders, StoredState stored)
    {
        var tool = claim.Kind == RunKind.Retry ? "retry_order" : "cancel_order";
        var mine = calls.Values.Where(c => c.Tool == tool && Arg(c, "order_id") is { } o && Guid.TryParse(o, out var id) && id == order).ToList();
        if (!orders.TryGetValue(order, out var now)) return;
        var status = now.GetProperty("status").GetString();
        var updatedAt = now.GetProperty("updated_at").GetDateTimeOffset();
        var recorded = stored.Orders.TryGetValue(order, out var state) ? state.Operations.Results : new Dictionary<string, string>();
        var applied = mine.Where(c => c.Decision == "approved").ToList();
        var succeeded = applied.Where(c => c.Result?.Str("status") == "success").ToList();
        foreach (var c in succeeded.Where(c => !recorded.ContainsKey(c.CallId)))
            Violate("effect_not_recorded", $"order {order}: {tool} call {c.CallId} (run {c.Run}) succeeded but the order does not record the operation");
        if (claim.Kind == RunKind.Cancel)
        {
            if (succeeded.Count > 0 && status != "CANCELLED")
                Violate("cancel_effect_lost", $"order {order}: cancel_order call {succeeded[0].CallId} succeeded but the order is {status}");
            if (applied.Count == 0 && status == "CANCELLED")
                Violate("effect_without_approval", $"order {order} is CANCELLED though no cancel_order call for it was approved (run {claim.Id})");
        }
        else if (applied.Count == 0 && claim.TargetOrderUpdatedAt is { } before && claim.TargetOrderStatus == "FAILED" && (status != "FAILED" || updatedAt != before))
        {
            Violate("effect_without_approval", $"order {order} changed ({claim.TargetOrderStatus} at {before:HH:mm:ss.fff} → {status} at {updatedAt:HH:mm:ss.fff}) though no retry_order call for it was approved (run {claim.Id})");
        }
    }

    private void CheckDecisionClaims(Dictionary<Guid, RunJournal> journals)
    {
        var resumed = journals.Values.SelectMany(r => r.Events.Where(e => e.Type == "RUN_RESUMED").Select(e => (Run: r, Event: e))).ToList();
        foreach (var decision in ledger.Decisions.Where(d => d.Status == 200))
        {
            var found = resumed.Where(x => x.Event.CallId == decision.CallId).ToList();
            if (found.Count == 0)
            {
                Violate("decision_lost", $"run {decision.Run}: {decision.Decision} of call {decision.CallId} was answered 200 but no RUN_RESUMED records it");
                continue;
            }
            var e = found[0].Event;
            if (e.Str("decision") != decision.Decision)
                Violate("decision_changed", $"run {decision.Run}: call {decision.CallId} was {decision.Decision} (200) but the journal says {e.Str("decision")}");
            if (decision.EditedArgs is { } sent)
            {
                var journaled = e.Payload.TryGetProperty("approved_args", out var a) ? a.GetRawText() : null;
                if (journaled is null || !JsonNode.DeepEquals(JsonNode.Parse(sent), JsonNode.Parse(journaled)))
                    Violate("decision_args_lost", $"run {decision.Run}: call {decision.CallId} was approved with {sent}, the journal has {journaled ?? "no approved_args"}");
            }
        }
        foreach (var claim in ledger.Runs.Values.Where(r => r.CancelAcknowledged))
        {
            if (!journals.TryGetValue(claim.Id, out var run) || run.Events.All(e => e.Type != "RUN_CANCELLED"))
                Violate("cancel_lost", $"run {claim.Id}: POST cancel answered 200 but the journal has no RUN_CANCELLED (status {(journals.TryGetValue(claim.Id, out var r) ? r.Status : "unknown")})");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /// <summary>The product's own words for a call that may or may not have had its effect (a step timeout).</summary>
    private static bool UnknownOutcome(JournalEvent result) => result.Payload.GetRawText().Contains("outcome is unknown", StringComparison.Ordinal);

    private static string Brief(JournalEvent result)
    {
        var text = result.Payload.TryGetProperty("output_data", out var o) && o.ValueKind == JsonValueKind.Object && o.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String
            ? e.GetString()! : result.Payload.GetRawText();
        var line = text.Split('\n')[0];
        return line.Length > 200 ? line[..200] + "…" : line;
    }

    private static Guid? ActorRun(string message)
    {
        // "… by agent:<type>:<run id>…"
        var at = message.IndexOf("agent:", StringComparison.Ordinal);
        if (at < 0) return null;
        var rest = message[(at + 6)..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && rest.Length >= colon + 37 && Guid.TryParse(rest.AsSpan(colon + 1, 36), out var id) ? id : null;
    }

    private static string? Arg(CallFacts call, string name) =>
        (call.ApprovedArgs ?? call.Args) is { ValueKind: JsonValueKind.Object } args && args.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()?.Trim().ToLowerInvariant() : null;

    private static JsonElement Prop(JsonElement element, params string[] names)
    {
        foreach (var name in names)
        {
            if (element.TryGetProperty(name, out var v)) return v;
        }
        throw new KeyNotFoundException($"none of {string.Join(", ", names)} in {element.GetRawText()}");
    }

    private string Title(Guid book) => ledger.Books.Concat(ledger.AgentBooks).FirstOrDefault(b => b.Id == book)?.Title ?? book.ToString();

    private string Lines(IEnumerable<(Guid Book, int Quantity)> lines) => "[" + string.Join(", ", lines.Select(l => $"{Title(l.Book)}×{l.Quantity}")) + "]";

    private static async Task<Answer> Retry(Func<Task<Answer>> send, CancellationToken cancellationToken)
    {
        Answer answer = new(0, null, "not sent");
        for (var attempt = 1; attempt <= 8; attempt++)
        {
            answer = await send();
            if (!answer.Indeterminate) return answer;
            await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), cancellationToken);
        }
        return answer;
    }
}
