using AgentOps.Catalog;
using AgentOps.Web.Auth;
using AgentOps.Web.Http;
using AgentOps.Web.Inventory;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AgentOps.Web.Catalog;

public static class CatalogApi
{
    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder routes)
    {
        var books = routes.MapGroup("/store/books").WithTags("Catalog");
        books.MapGet("/", ListAsync).WithName("ListBooks").WithSummary("Active books with their stock, sorted by title.");
        books.MapGet("/{id}", GetAsync).WithName("GetBook").WithSummary("One book with its stock.");
        books.MapPost("/", CreateAsync).RequireAuthorization(Policies.StoreAdmin).WithName("CreateBook").WithSummary("Adds a book (STORE_ADMIN).");
        books.MapPut("/{id}", UpdateAsync).RequireAuthorization(Policies.StoreAdmin).WithName("UpdateBook").WithSummary("Changes a book (STORE_ADMIN).");
        books.MapDelete("/{id}", DeactivateAsync).RequireAuthorization(Policies.StoreAdmin).WithName("DeactivateBook").WithSummary("Deactivates a book (STORE_ADMIN); it stays in past orders.");
        return routes;
    }

    private static async Task<Results<Ok<List<BookResponse>>, ApiErrorResult>> ListAsync(
        CatalogReadCache catalog, StockView stock, IOptions<ApiOptions> api,
        string? search, string? genre, int? limit, int? offset)
    {
        if (Paging.Check(limit, offset, api.Value.MaxPageSize, out var take, out var skip) is { } invalid) return invalid;
        var active = (await catalog.GetAsync()).Active;
        // Unfiltered pages are a slice of the sorted snapshot, not a walk through every book before the offset.
        var page = string.IsNullOrWhiteSpace(search) && string.IsNullOrWhiteSpace(genre)
            ? active.Skip(skip).Take(take).ToList()
            : active
                .Where(b => string.IsNullOrWhiteSpace(search)
                    || b.Title.Contains(search, StringComparison.OrdinalIgnoreCase)
                    || b.Author.Contains(search, StringComparison.OrdinalIgnoreCase)
                    || b.Isbn.Contains(search, StringComparison.OrdinalIgnoreCase))
                .Where(b => string.IsNullOrWhiteSpace(genre) || string.Equals(b.Genre, genre, StringComparison.OrdinalIgnoreCase))
                .Skip(skip).Take(take)
                .ToList();
        var totals = await stock.TotalsAsync(page.ConvertAll(b => b.Id));
        return TypedResults.Ok(page.ConvertAll(b => totals.TryGetValue(b.Id, out var t) ? BookResponse.From(b, t.Total, t.Available) : BookResponse.From(b, 0, 0)));
    }

    private static async Task<Results<Ok<BookResponse>, ApiErrorResult>> GetAsync(string id, CatalogReadCache catalog, StockView stock)
    {
        if (Paging.ParseId(id, "book id", out var bookId) is { } invalid) return invalid;
        if (!(await catalog.GetAsync()).ById.TryGetValue(bookId, out var book)) return ApiErrors.NotFound($"Book {bookId} does not exist.");
        return TypedResults.Ok(await WithStockAsync(book, stock));
    }

    private static async Task<Results<Created<BookResponse>, ApiErrorResult>> CreateAsync(BookRequest body, IGrainFactory grains, CatalogReadCache catalog)
    {
        var missing = new[] { ("isbn", body.Isbn), ("title", body.Title), ("author", body.Author) }.FirstOrDefault(f => string.IsNullOrWhiteSpace(f.Item2));
        if (missing.Item1 is not null) return ApiErrors.Validation("missing_field", $"{missing.Item1} is required.", new Dictionary<string, string> { ["field"] = missing.Item1 });
        if (body.Price is null) return ApiErrors.Validation("missing_field", "price is required.", new Dictionary<string, string> { ["field"] = "price" });

        var result = await grains.GetGrain<ICatalogGrain>(0).CreateAsync(Guid.NewGuid(), body.ToDraft());
        catalog.Invalidate();
        if (result.Error is { } error) return ApiErrors.From(error);
        return TypedResults.Created($"/store/books/{result.Book!.Id}", BookResponse.From(result.Book, 0, 0));
    }

    private static async Task<Results<Ok<BookResponse>, ApiErrorResult>> UpdateAsync(string id, BookRequest body, IGrainFactory grains, StockView stock, CatalogReadCache catalog)
    {
        if (Paging.ParseId(id, "book id", out var bookId) is { } invalid) return invalid;
        var result = await grains.GetGrain<ICatalogGrain>(0).UpdateAsync(bookId, body.ToPatch());
        catalog.Invalidate();
        if (result.Error is { } error) return ApiErrors.From(error);
        return TypedResults.Ok(await WithStockAsync(result.Book!, stock));
    }

    private static async Task<Results<Ok<BookResponse>, ApiErrorResult>> DeactivateAsync(string id, IGrainFactory grains, StockView stock, CatalogReadCache catalog)
    {
        if (Paging.ParseId(id, "book id", out var bookId) is { } invalid) return invalid;
        var result = await grains.GetGrain<ICatalogGrain>(0).UpdateAsync(bookId, new BookPatch(IsActive: false));
        catalog.Invalidate();
        if (result.Error is { } error) return ApiErrors.From(error);
        return TypedResults.Ok(await WithStockAsync(result.Book!, stock));
    }

    private static async Task<BookResponse> WithStockAsync(Book book, StockView stock)
    {
        var (inventory, status) = await stock.ForBookAsync(book.Id);
        var totals = StockView.Sum(inventory, status);
        return BookResponse.From(book, totals.Total, totals.Available);
    }
}
