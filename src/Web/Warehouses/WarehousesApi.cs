using System.Collections.Immutable;
using System.Security.Claims;
using AgentOps.Catalog;
using AgentOps.Hosting;
using AgentOps.Warehouses;
using AgentOps.Web.Auth;
using AgentOps.Web.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AgentOps.Web.Warehouses;

public static class WarehousesApi
{
    public static IEndpointRouteBuilder MapWarehousesApi(this IEndpointRouteBuilder routes)
    {
        var store = routes.MapGroup("/store/warehouses").WithTags("Warehouses");
        store.MapGet("/", ListAsync).RequireAuthorization(Policies.StoreAdmin).WithName("ListWarehouses").WithSummary("Registered warehouses with health (STORE_ADMIN).");
        store.MapPost("/register", RegisterAsync).RequireAuthorization(Policies.Service).WithName("RegisterWarehouse").WithSummary("Registers a warehouse; idempotent (service token).");
        store.MapPost("/health-check", CheckHealthAsync).RequireAuthorization(Policies.StoreAdmin).WithName("CheckWarehouseHealth").WithSummary("Pings every warehouse now (STORE_ADMIN).");

        var warehouse = routes.MapGroup("/warehouses/{name}").WithTags("Warehouse");
        warehouse.MapGet("/health", HealthAsync).RequireAuthorization(Policies.Service).WithName("WarehouseHealth").WithSummary("Pings the warehouse (service token).");
        warehouse.MapGet("/info", InfoAsync).WithName("WarehouseInfo").WithSummary("Name and status.");
        warehouse.MapGet("/inventory", StockAsync).WithName("WarehouseInventory").WithSummary("All stock of the warehouse.");
        warehouse.MapGet("/inventory/{bookId}", BookStockAsync).WithName("WarehouseBookInventory").WithSummary("Stock of one book.");
        warehouse.MapPost("/inventory", SetStockAsync).RequireAuthorization(Policies.User).WithName("SetWarehouseStock").WithSummary("Sets stock levels (staff of this warehouse).");
        warehouse.MapPatch("/inventory/{bookId}", PatchStockAsync).RequireAuthorization(Policies.User).WithName("PatchWarehouseStock").WithSummary("Sets one book's stock (staff of this warehouse).");
        warehouse.MapPost("/shipments", ShipAsync).RequireAuthorization(Policies.Service).WithName("Ship").WithSummary("Ships an order; repeating it returns the first confirmation (service token).");
        warehouse.MapGet("/shipments", ShipmentsAsync).RequireAuthorization(Policies.User).WithName("ListShipments").WithSummary("Shipment log (staff of this warehouse).");
        warehouse.MapPost("/faults", InjectFaultAsync).RequireAuthorization(Policies.StoreAdmin).WithName("InjectFault").WithSummary("Makes the warehouse offline or slow (STORE_ADMIN).");
        warehouse.MapDelete("/faults", ClearFaultAsync).RequireAuthorization(Policies.StoreAdmin).WithName("ClearFault").WithSummary("Clears an injected fault (STORE_ADMIN).");
        return routes;
    }

    private static async Task<Ok<List<WarehouseResponse>>> ListAsync(IGrainFactory grains) =>
        TypedResults.Ok((await grains.GetGrain<IWarehouseRegistryGrain>(0).ListAsync()).Select(WarehouseResponse.From).ToList());

    private static async Task<Ok<List<WarehouseResponse>>> CheckHealthAsync(IGrainFactory grains) =>
        TypedResults.Ok((await grains.GetGrain<IWarehouseRegistryGrain>(0).CheckHealthAsync()).Select(WarehouseResponse.From).ToList());

    private static async Task<Results<Ok<WarehouseResponse>, ApiErrorResult>> RegisterAsync(RegisterWarehouseRequest body, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(body.Name)) return ApiErrors.Validation("missing_field", "name is required.", new Dictionary<string, string> { ["field"] = "name" });
        var name = WarehouseNames.Normalize(body.Name);
        if (!WarehouseNames.IsValid(name)) return ApiErrors.Validation("invalid_name", "name may use lower-case letters, digits and dashes (at most 63).");
        if (string.IsNullOrWhiteSpace(body.Url) || body.Url.Length > 500 || !Uri.TryCreate(body.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            return ApiErrors.Validation("invalid_url", "url must be an absolute http(s) URL.");
        return TypedResults.Ok(WarehouseResponse.From(await grains.GetGrain<IWarehouseRegistryGrain>(0).RegisterAsync(name, body.Url)));
    }

    private static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>, ApiErrorResult>> HealthAsync(
        string name, IGrainFactory grains, IOptions<BookstoreOptions> options, TimeProvider clock)
    {
        if (await FindAsync(name, grains) is not { } registration) return UnknownWarehouse(name);
        try
        {
            var at = await grains.GetGrain<IWarehouseGrain>(registration.Name).PingAsync().WaitAsync(options.Value.HealthCheckTimeout);
            return TypedResults.Ok(new HealthResponse("HEALTHY", at));
        }
        catch (Exception e) when (e is WarehouseUnavailableException or TimeoutException)
        {
            return TypedResults.Json(new HealthResponse("OFFLINE", clock.GetUtcNow()), ApiJson.Options, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static async Task<Results<Ok<WarehouseInfoResponse>, ApiErrorResult>> InfoAsync(
        string name, IGrainFactory grains, IOptions<WarehouseHostingOptions> hosting)
    {
        if (await FindAsync(name, grains) is not { } registration) return UnknownWarehouse(name);
        var snapshot = await grains.GetGrain<IWarehouseGrain>(registration.Name).GetSnapshotAsync();
        var fault = snapshot.Fault is { } f ? new FaultResponse(f.Kind.ToString().ToLowerInvariant(), (int)f.Delay.TotalMilliseconds, f.Since, f.SetBy) : null;
        // The warehouse answered just now, so it is reachable unless it was taken offline (a slow one still answers).
        var status = snapshot.Fault?.Kind == FaultKind.Offline ? WarehouseInfoResponse.Offline : WarehouseInfoResponse.Active;
        return TypedResults.Ok(new WarehouseInfoResponse(registration.Name, status, registration.Status.ToString().ToUpperInvariant(),
            $"{hosting.Value.PublicUrl.TrimEnd('/')}/store", registration.LastSeen, fault, snapshot.Books, snapshot.Units));
    }

    private static async Task<Results<Ok<List<StockItemResponse>>, ApiErrorResult>> StockAsync(string name, IGrainFactory grains)
    {
        if (await FindAsync(name, grains) is not { } registration) return UnknownWarehouse(name);
        var stock = await grains.GetGrain<IWarehouseGrain>(registration.Name).GetStockAsync();
        return TypedResults.Ok(await DescribeAsync(stock, grains));
    }

    private static async Task<Results<Ok<StockItemResponse>, ApiErrorResult>> BookStockAsync(string name, string bookId, IGrainFactory grains)
    {
        if (Paging.ParseId(bookId, "bookId", out var id) is { } invalid) return invalid;
        if (await FindAsync(name, grains) is not { } registration) return UnknownWarehouse(name);
        if (await grains.GetGrain<IWarehouseGrain>(registration.Name).GetBookStockAsync(id) is not { } line)
            return ApiErrors.NotFound($"Warehouse {registration.Name} does not stock book {id}.");
        return TypedResults.Ok((await DescribeAsync([line], grains))[0]);
    }

    private static async Task<Results<Ok<List<StockItemResponse>>, ApiErrorResult>> SetStockAsync(
        string name, SetStockRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var lines = ImmutableArray.CreateBuilder<StockLine>();
        if (body.Items is { } items)
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i] is not { BookId: { } bookId, Quantity: { } quantity })
                    return ApiErrors.Validation("missing_field", $"items[{i}] needs bookId and quantity.", new Dictionary<string, string> { ["field"] = $"items[{i}]" });
                lines.Add(new StockLine(bookId, quantity));
            }
        }
        else if (body is { BookId: { } bookId, Quantity: { } quantity })
        {
            lines.Add(new StockLine(bookId, quantity));
        }
        else
        {
            return ApiErrors.Validation("missing_field", "Send bookId and quantity, or items.");
        }
        return await ApplyStockAsync(name, lines.ToImmutable(), user, grains);
    }

    private static async Task<Results<Ok<List<StockItemResponse>>, ApiErrorResult>> PatchStockAsync(
        string name, string bookId, QuantityRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (Paging.ParseId(bookId, "bookId", out var id) is { } invalid) return invalid;
        if (body.Quantity is not { } quantity) return ApiErrors.Validation("missing_field", "quantity is required.", new Dictionary<string, string> { ["field"] = "quantity" });
        return await ApplyStockAsync(name, [new StockLine(id, quantity)], user, grains);
    }

    private static async Task<Results<Ok<List<StockItemResponse>>, ApiErrorResult>> ApplyStockAsync(
        string name, ImmutableArray<StockLine> lines, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (await FindAsync(name, grains) is not { } registration) return UnknownWarehouse(name);
        if (!user.MayManageWarehouse(registration.Name)) return ApiErrors.Forbidden($"Only staff of warehouse {registration.Name} may change its stock.");
        var known = await grains.GetGrain<ICatalogGrain>(0).GetManyAsync([.. lines.Select(l => l.BookId)]);
        if (lines.FirstOrDefault(l => known.All(b => b.Id != l.BookId)) is { } unknown)
            return ApiErrors.Validation("unknown_book", $"Book {unknown.BookId} does not exist.", new Dictionary<string, string> { ["bookId"] = unknown.BookId.ToString() });

        var warehouse = grains.GetGrain<IWarehouseGrain>(registration.Name);
        if (await warehouse.SetStockAsync(lines, user.Identity?.Name ?? "unknown") is { } error) return ApiErrors.From(error);
        return TypedResults.Ok(await DescribeAsync(lines, grains));
    }

    private static async Task<Results<Created<ShipmentResponse>, Ok<ShipmentResponse>, ApiErrorResult>> ShipAsync(
        string name, ShipmentRequestBody body, IGrainFactory grains)
    {
        if (body.OrderId is not { } orderId || orderId == Guid.Empty) return ApiErrors.Validation("missing_field", "orderId is required.", new Dictionary<string, string> { ["field"] = "orderId" });
        if (body.Items is null) return ApiErrors.Validation("missing_field", "items is required.", new Dictionary<string, string> { ["field"] = "items" });
        var items = ImmutableArray.CreateBuilder<StockLine>(body.Items.Count);
        for (var i = 0; i < body.Items.Count; i++)
        {
            if (body.Items[i] is not { BookId: { } bookId, Quantity: { } quantity })
                return ApiErrors.Validation("missing_field", $"items[{i}] needs bookId and quantity.", new Dictionary<string, string> { ["field"] = $"items[{i}]" });
            items.Add(new StockLine(bookId, quantity));
        }
        if (await FindAsync(name, grains) is not { } registration) return UnknownWarehouse(name);

        var warehouse = grains.GetGrain<IWarehouseGrain>(registration.Name);
        var outcome = await warehouse.ShipAsync(new ShipmentRequest(orderId, items.ToImmutable(), MayBeRepeat: true));
        if (outcome.Refusal is { } refusal) return ApiErrors.From(refusal);
        var response = await ToResponseAsync(outcome.Confirmation!, grains);
        return outcome.Replayed ? TypedResults.Ok(response) : TypedResults.Created($"/warehouses/{registration.Name}/shipments", response);
    }

    private static async Task<Results<Ok<List<ShipmentResponse>>, ApiErrorResult>> ShipmentsAsync(string name, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (await FindAsync(name, grains) is not { } registration) return UnknownWarehouse(name);
        if (!user.MayManageWarehouse(registration.Name)) return ApiErrors.Forbidden($"Only staff of warehouse {registration.Name} may read its shipments.");
        var shipments = await grains.GetGrain<IWarehouseGrain>(registration.Name).GetShipmentsAsync();
        var books = await BooksAsync(shipments.SelectMany(s => s.Items).Select(i => i.BookId), grains);
        return TypedResults.Ok(shipments.Select(s => ToResponse(s, books)).ToList());
    }

    private static async Task<Results<Ok<WarehouseInfoResponse>, ApiErrorResult>> InjectFaultAsync(
        string name, FaultRequest body, ClaimsPrincipal user, IGrainFactory grains, IOptions<WarehouseHostingOptions> hosting)
    {
        if (await FindAsync(name, grains) is not { } registration) return UnknownWarehouse(name);
        var kind = body.Type?.Trim().ToLowerInvariant() switch
        {
            "offline" => FaultKind.Offline,
            "slow" => FaultKind.Slow,
            _ => FaultKind.None,
        };
        if (kind == FaultKind.None) return ApiErrors.Validation("invalid_fault_type", "type must be \"offline\" or \"slow\".");
        if (body.DelayMs is < 1 or > 60_000) return ApiErrors.Validation("invalid_delay", "delay_ms must be between 1 and 60000.");
        TimeSpan? delay = body.DelayMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null;
        await grains.GetGrain<IWarehouseGrain>(registration.Name).SetFaultAsync(kind, delay, user.Identity?.Name ?? "unknown");
        return await InfoAsync(registration.Name, grains, hosting);
    }

    private static async Task<Results<Ok<WarehouseInfoResponse>, ApiErrorResult>> ClearFaultAsync(
        string name, ClaimsPrincipal user, IGrainFactory grains, IOptions<WarehouseHostingOptions> hosting)
    {
        if (await FindAsync(name, grains) is not { } registration) return UnknownWarehouse(name);
        await grains.GetGrain<IWarehouseGrain>(registration.Name).ClearFaultAsync(user.Identity?.Name ?? "unknown");
        return await InfoAsync(registration.Name, grains, hosting);
    }

    private static async Task<WarehouseRegistration?> FindAsync(string name, IGrainFactory grains)
    {
        var normalized = WarehouseNames.Normalize(name);
        return WarehouseNames.IsValid(normalized) ? await grains.GetGrain<IWarehouseRegistryGrain>(0).GetAsync(normalized) : null;
    }

    private static ApiErrorResult UnknownWarehouse(string name) =>
        ApiErrors.NotFound($"Warehouse '{(name.Length > 63 ? name[..63] : name)}' is not registered.");

    private static async Task<Dictionary<Guid, Book>> BooksAsync(IEnumerable<Guid> ids, IGrainFactory grains) =>
        (await grains.GetGrain<ICatalogGrain>(0).GetManyAsync([.. ids.Distinct()])).ToDictionary(b => b.Id);

    private static async Task<List<StockItemResponse>> DescribeAsync(ImmutableArray<StockLine> lines, IGrainFactory grains)
    {
        var books = await BooksAsync(lines.Select(l => l.BookId), grains);
        return lines.Select(l => Describe(l, books)).OrderBy(s => s.Title, StringComparer.Ordinal).ToList();
    }

    private static StockItemResponse Describe(StockLine line, IReadOnlyDictionary<Guid, Book> books) =>
        books.TryGetValue(line.BookId, out var b)
            ? new StockItemResponse(line.BookId, b.Isbn, b.Title, b.Author, line.Quantity)
            : new StockItemResponse(line.BookId, null, null, null, line.Quantity);

    private static async Task<ShipmentResponse> ToResponseAsync(ShipmentConfirmation confirmation, IGrainFactory grains) =>
        ToResponse(confirmation, await BooksAsync(confirmation.Items.Select(i => i.BookId), grains));

    private static ShipmentResponse ToResponse(ShipmentConfirmation s, IReadOnlyDictionary<Guid, Book> books) =>
        new(s.ShipmentId, s.OrderId, s.Warehouse, [.. s.Items.Select(i => Describe(i, books))], s.ShippedAt);
}
