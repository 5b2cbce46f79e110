using AgentOps.Catalog;

namespace AgentOps.Agents.Tools;

public sealed class SearchBooksTool : AgentTool
{
    public override string Name => "search_books";
    public override bool MayUse(Users.Requester? requester, System.Text.Json.JsonElement args) => true;
    public override string Description => "Finds books whose title, author or ISBN contains the query (inactive books included).";
    protected override string SchemaJson => """
        {"type":"object","properties":{"query":{"type":"string","minLength":1,"maxLength":200},"limit":{"type":"integer","minimum":1,"maximum":50}},
         "required":["query"],"additionalProperties":false}
        """;

    public override async Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken)
    {
        var query = Text(call.Args, "query").Trim();
        var limit = OptionalInt(call.Args, "limit") ?? 10;
        // Searched inside the catalog grain, so a 10,000-book catalog is not copied to the caller for every search.
        var matches = (await call.Grains.GetGrain<ICatalogGrain>(0).SearchAsync(query, limit))
            .Select(b => new { book_id = b.Id, b.Title, b.Author, b.Isbn, b.Price, is_active = b.IsActive });
        return ToolOutcome.Ok(new { books = matches });
    }
}

public sealed class ChangePriceTool : AgentTool
{
    public override string Name => "change_price";
    public override string Description => "Changes a book's price. Dangerous: needs approval.";
    public override RiskClass Risk => RiskClass.Dangerous;
    protected override string SchemaJson => """
        {"type":"object","properties":{"book_id":{"type":"string","format":"uuid"},"price":{"type":"number","minimum":0.01,"maximum":100000}},
         "required":["book_id","price"],"additionalProperties":false}
        """;

    public override async Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken)
    {
        var id = Id(call.Args, "book_id");
        var catalog = call.Grains.GetGrain<ICatalogGrain>(0);
        var before = await catalog.GetAsync(id);
        var result = await catalog.UpdateAsync(id, new BookPatch(Price: Math.Round(call.Args.GetProperty("price").GetDecimal(), 2)), call.CallId);
        return result.Error is { } error ? ToolOutcome.From(error)
            : ToolOutcome.Ok(new { book_id = id, title = result.Book!.Title, previous_price = before?.Price, price = result.Book.Price });
    }
}

public sealed class DeactivateBookTool : AgentTool
{
    public override string Name => "deactivate_book";
    public override string Description => "Takes a book off sale (it stays in the catalog as inactive). Dangerous: needs approval.";
    public override RiskClass Risk => RiskClass.Dangerous;
    protected override string SchemaJson => """
        {"type":"object","properties":{"book_id":{"type":"string","format":"uuid"}},"required":["book_id"],"additionalProperties":false}
        """;

    public override async Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken)
    {
        var id = Id(call.Args, "book_id");
        var result = await call.Grains.GetGrain<ICatalogGrain>(0).UpdateAsync(id, new BookPatch(IsActive: false), call.CallId);
        return result.Error is { } error ? ToolOutcome.From(error) : ToolOutcome.Ok(new { book_id = id, title = result.Book!.Title, is_active = result.Book.IsActive });
    }
}
