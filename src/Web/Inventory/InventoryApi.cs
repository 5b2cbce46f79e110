using System.Text.Json.Serialization;
using AgentOps.Catalog;
using AgentOps.Inventory;
using AgentOps.Web.Auth;
using AgentOps.Web.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentOps.Web.Inventory;

public sealed record WarehouseStockResponse(string Warehouse, int Quantity, string Status, DateTimeOffset LastSynced);

public sealed record BookInventoryResponse(
    [property: JsonPropertyName("bookId")] Guid BookId, string Title, int TotalInventory,
    [property: JsonPropertyName("availableStock")] int AvailableStock, IReadOnlyList<WarehouseStockResponse> Warehouses);

public sealed record DriftResponse([property: JsonPropertyName("bookId")] Guid BookId, string Warehouse, int? Cached, int Actual);

public sealed record ReconciliationResponse(
    Guid Id, string Trigger, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, IReadOnlyList<string> WarehousesChecked,
    IReadOnlyList<string> WarehousesSkipped, int LinesChecked, int DriftCount, IReadOnlyList<DriftResponse> Drift)
{
    public static ReconciliationResponse From(ReconciliationReport r) => new(r.Id, r.Trigger, r.StartedAt, r.FinishedAt, r.Warehouses,
        r.Skipped, r.LinesChecked, r.Drifts.Length, [.. r.Drifts.Select(d => new DriftResponse(d.BookId, d.Warehouse, d.Cached, d.Actual))]);
}

public static class InventoryApi
{
    public static IEndpointRouteBuilder MapInventoryApi(this IEndpointRouteBuilder routes)
    {
        var inventory = routes.MapGroup("/store/inventory").WithTags("Inventory");
        inventory.MapGet("/books/{bookId}", GetBookAsync).WithName("GetBookInventory").WithSummary("The store's cached stock of a book in every warehouse.");
        inventory.MapPost("/reconcile", ReconcileAsync).RequireAuthorization(Policies.StoreAdmin)
            .WithName("Reconcile").WithSummary("Compares the cache with every HEALTHY warehouse now (STORE_ADMIN).");
        inventory.MapGet("/reconcile/last", LastAsync).RequireAuthorization(Policies.StoreAdmin)
            .WithName("LastReconciliation").WithSummary("The latest reconciliation report (STORE_ADMIN).");
        return routes;
    }

    private static async Task<Results<Ok<BookInventoryResponse>, ApiErrorResult>> GetBookAsync(string bookId, IGrainFactory grains, StockView stock)
    {
        if (Paging.ParseId(bookId, "bookId", out var id) is { } invalid) return invalid;
        var book = await grains.GetGrain<ICatalogGrain>(0).GetAsync(id);
        if (book is null) return ApiErrors.NotFound($"Book {id} does not exist.");
        var (inventory, status) = await stock.ForBookAsync(id);
        var totals = StockView.Sum(inventory, status);
        return TypedResults.Ok(new BookInventoryResponse(id, book.Title, totals.Total, totals.Available,
            [.. inventory.Warehouses.Select(w => new WarehouseStockResponse(w.Warehouse, w.Quantity,
                status.TryGetValue(w.Warehouse, out var s) ? s.ToString().ToUpperInvariant() : "UNKNOWN", w.LastSynced))]));
    }

    private static async Task<Ok<ReconciliationResponse>> ReconcileAsync(IGrainFactory grains) =>
        TypedResults.Ok(ReconciliationResponse.From(await grains.GetGrain<IReconciliationGrain>(0).RunAsync("manual")));

    private static async Task<Results<Ok<ReconciliationResponse>, ApiErrorResult>> LastAsync(IGrainFactory grains) =>
        await grains.GetGrain<IReconciliationGrain>(0).GetLastAsync() is { } last
            ? TypedResults.Ok(ReconciliationResponse.From(last))
            : ApiErrors.NotFound("No reconciliation has run yet.");
}
