using System.Collections.Immutable;
using System.Text.Json;
using AgentOps.Catalog;
using AgentOps.Users;
using AgentOps.Warehouses;

namespace AgentOps.Agents.Tools;

public sealed class ListWarehousesTool : AgentTool
{
    public override string Name => "list_warehouses";
    public override string Description => "Lists every registered warehouse with its health status, last_seen, last error and injected fault.";
    protected override string SchemaJson => """{"type":"object","properties":{},"additionalProperties":false}""";

    public override async Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken)
    {
        var registrations = await call.Grains.GetGrain<IWarehouseRegistryGrain>(0).ListAsync();
        var rows = await Task.WhenAll(registrations.Select(r => WarehouseView.DescribeAsync(call.Grains, r)));
        return ToolOutcome.Ok(new { warehouses = rows });
    }
}

public sealed class GetWarehouseTool : AgentTool
{
    public override string Name => "get_warehouse";
    public override bool MayUse(Requester? requester, JsonElement args) =>
        AccessRules.MayManageWarehouse(requester, WarehouseNames.Normalize(Text(args, "name")));
    public override string Description => "Shows one warehouse: health status, last_seen, last error, fault, number of books and units in stock.";
    protected override string SchemaJson => """
        {"type":"object","properties":{"name":{"type":"string","minLength":1,"maxLength":64}},"required":["name"],"additionalProperties":false}
        """;

    public override async Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken)
    {
        var name = WarehouseNames.Normalize(Text(call.Args, "name"));
        var registration = await call.Grains.GetGrain<IWarehouseRegistryGrain>(0).GetAsync(name);
        return registration is null
            ? ToolOutcome.Fail($"Warehouse '{name}' is not registered.")
            : ToolOutcome.Ok(await WarehouseView.DescribeAsync(call.Grains, registration));
    }
}

public sealed class GetWarehouseStockTool : AgentTool
{
    public override string Name => "get_warehouse_stock";
    public override bool MayUse(Requester? requester, JsonElement args) => true;
    public override string Description => "Lists a warehouse's stock per book (book_id, title, quantity), or one book's stock when book_id is given.";
    protected override string SchemaJson => """
        {"type":"object","properties":{"name":{"type":"string","minLength":1,"maxLength":64},"book_id":{"type":"string","format":"uuid"}},
         "required":["name"],"additionalProperties":false}
        """;

    public override async Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken)
    {
        var name = WarehouseNames.Normalize(Text(call.Args, "name"));
        if (await call.Grains.GetGrain<IWarehouseRegistryGrain>(0).GetAsync(name) is null) return ToolOutcome.Fail($"Warehouse '{name}' is not registered.");
        var warehouse = call.Grains.GetGrain<IWarehouseGrain>(name);
        ImmutableArray<StockLine> lines = OptionalText(call.Args, "book_id") is { } bookId
            ? await warehouse.GetBookStockAsync(Guid.Parse(bookId)) is { } line ? [line] : []
            : await warehouse.GetStockAsync();
        var books = (await call.Grains.GetGrain<ICatalogGrain>(0).GetManyAsync([.. lines.Select(l => l.BookId)])).ToDictionary(b => b.Id);
        return ToolOutcome.Ok(new
        {
            warehouse = name,
            items = lines.Select(l => new { book_id = l.BookId, title = books.GetValueOrDefault(l.BookId)?.Title, quantity = l.Quantity }),
        });
    }
}

public sealed class RestartWarehouseTool : AgentTool, IPreconditionTool
{
    public async Task<string> ObserveAsync(JsonElement args, IGrainFactory grains)
    {
        var name = WarehouseNames.Normalize(Text(args, "name"));
        return Observation(name, (await grains.GetGrain<IWarehouseGrain>(name).GetSnapshotAsync()).Fault);
    }

    private static string Observation(string warehouse, WarehouseFault? fault) =>
        JsonSerializer.Serialize(new { warehouse, fault = fault?.Kind }, ToolJson.Options);

    public override string Name => "restart_warehouse";
    public override string Description => "Brings a warehouse back online: clears its fault and runs a health check. Dangerous: needs approval.";
    public override RiskClass Risk => RiskClass.Dangerous;
    protected override string SchemaJson => """
        {"type":"object","properties":{"name":{"type":"string","pattern":"^[a-z0-9][a-z0-9-]{0,62}$"}},"required":["name"],"additionalProperties":false}
        """;

    public override async Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken)
    {
        var name = WarehouseNames.Normalize(Text(call.Args, "name"));
        var registry = call.Grains.GetGrain<IWarehouseRegistryGrain>(0);
        if (await registry.GetAsync(name) is null) return ToolOutcome.Fail($"Warehouse '{name}' is not registered.");
        var warehouse = call.Grains.GetGrain<IWarehouseGrain>(name);
        if (call.Expects is { } expected && Observation(name, (await warehouse.GetSnapshotAsync()).Fault) is var found && found != expected
            && !await warehouse.HasAppliedAsync(call.CallId))
            return ToolOutcome.PreconditionChanged(Name, expected, found);
        var cleared = await warehouse.RestartAsync(call.Actor, call.CallId);
        var after = (await registry.CheckHealthAsync()).FirstOrDefault(r => r.Name == name);
        return ToolOutcome.Ok(new { warehouse = name, fault_cleared = cleared, status = after?.Status, last_seen = after?.LastSeen, last_error = after?.LastError });
    }
}

public sealed class SetStockTool : AgentTool, IPreconditionTool
{
    public async Task<string> ObserveAsync(JsonElement args, IGrainFactory grains)
    {
        var name = WarehouseNames.Normalize(Text(args, "warehouse"));
        var bookId = Id(args, "book_id");
        return Observation(name, bookId, await grains.GetGrain<IWarehouseGrain>(name).GetBookStockAsync(bookId));
    }

    public static string Observation(string warehouse, Guid bookId, StockLine? line) =>
        JsonSerializer.Serialize(new { warehouse, book_id = bookId, quantity = line?.Quantity }, ToolJson.Options);

    /// <summary>The quantity an <see cref="Observation"/> expects; one of another book or warehouse (args edited at approval) cannot hold.</summary>
    public static StockExpectation Expecting(string observation, string warehouse, Guid bookId)
    {
        try
        {
            using var document = JsonDocument.Parse(observation);
            var root = document.RootElement;
            var sameTarget = root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("warehouse", out var w) && w.ValueKind == JsonValueKind.String && w.GetString() == warehouse
                && root.TryGetProperty("book_id", out var b) && b.ValueKind == JsonValueKind.String && b.TryGetGuid(out var id) && id == bookId;
            if (!sameTarget) return Unmatchable;
            // The tools' JSON leaves out nulls: an observation without a quantity found no stock line.
            if (!root.TryGetProperty("quantity", out var q) || q.ValueKind == JsonValueKind.Null) return new StockExpectation(null);
            return q.ValueKind == JsonValueKind.Number && q.TryGetInt32(out var n) && n >= 0 ? new StockExpectation(n) : Unmatchable;
        }
        catch (JsonException)
        {
            return Unmatchable; // not an observation of ours
        }
    }

    private static readonly StockExpectation Unmatchable = new(-1);

    public override string Name => "set_stock";
    public override bool MayUse(Requester? requester, JsonElement args) =>
        AccessRules.MayManageWarehouse(requester, WarehouseNames.Normalize(Text(args, "warehouse")));
    public override string Description => "Sets the stock of one book in one warehouse to an absolute quantity. Dangerous: needs approval.";
    public override RiskClass Risk => RiskClass.Dangerous;
    protected override string SchemaJson => """
        {"type":"object","properties":{"warehouse":{"type":"string","pattern":"^[a-z0-9][a-z0-9-]{0,62}$"},"book_id":{"type":"string","format":"uuid"},
         "quantity":{"type":"integer","minimum":0,"maximum":1000000}},"required":["warehouse","book_id","quantity"],"additionalProperties":false}
        """;

    public override async Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken)
    {
        var name = WarehouseNames.Normalize(Text(call.Args, "warehouse"));
        var bookId = Id(call.Args, "book_id");
        var quantity = call.Args.GetProperty("quantity").GetInt32();
        if (await call.Grains.GetGrain<IWarehouseRegistryGrain>(0).GetAsync(name) is null) return ToolOutcome.Fail($"Warehouse '{name}' is not registered.");
        if (await call.Grains.GetGrain<ICatalogGrain>(0).GetAsync(bookId) is not { } book) return ToolOutcome.Fail($"Book {bookId} does not exist.");
        // One call checks what the approver saw (the observation made at the proposal), applies the call id once and
        // answers with the stock before and after: it was a read, a set and a read.
        var change = await call.Grains.GetGrain<IWarehouseGrain>(name).SetBookStockAsync(
            new BookStockChange(bookId, quantity, call.Actor, call.CallId, call.Expects is { } expected ? Expecting(expected, name, bookId) : null));
        if (!change.ExpectationHeld) return ToolOutcome.PreconditionChanged(Name, call.Expects!, Observation(name, bookId, change.Before));
        if (change.Error is { } error) return ToolOutcome.From(error);
        return ToolOutcome.Ok(new { warehouse = name, book_id = bookId, title = book.Title, previous_quantity = change.Before?.Quantity, quantity = change.After?.Quantity });
    }
}

internal static class WarehouseView
{
    public static async Task<object> DescribeAsync(IGrainFactory grains, WarehouseRegistration r)
    {
        var snapshot = await grains.GetGrain<IWarehouseGrain>(r.Name).GetSnapshotAsync();
        return new
        {
            name = r.Name, status = r.Status, last_seen = r.LastSeen, last_error = r.LastError, url = r.Url,
            fault = snapshot.Fault is { } f ? new { kind = f.Kind, since = f.Since, set_by = f.SetBy } : null,
            books = snapshot.Books, units = snapshot.Units,
        };
    }
}
