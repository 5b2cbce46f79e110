using System.Collections.Immutable;
using AgentOps.Common;
using AgentOps.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentOps.Catalog;

public sealed class CatalogGrain(
    [PersistentState("catalog", StorageNames.Store)] IPersistentState<CatalogState> state,
    TimeProvider clock,
    ILogger<CatalogGrain> logger) : Grain, ICatalogGrain
{
    // Sorted snapshots for listing; rebuilt only when the catalog changes.
    private ImmutableArray<Book>? _active;
    private ImmutableArray<Book>? _all;
    private CatalogSearchIndex? _search;

    public Task<ImmutableArray<Book>> ListAsync(bool includeInactive)
    {
        if (includeInactive)
        {
            _all ??= [.. state.State.Books.Values.OrderBy(b => b.Title, StringComparer.Ordinal).ThenBy(b => b.Id)];
            return Task.FromResult(_all.Value);
        }
        _active ??= [.. state.State.Books.Values.Where(b => b.IsActive).OrderBy(b => b.Title, StringComparer.Ordinal).ThenBy(b => b.Id)];
        return Task.FromResult(_active.Value);
    }

    public async Task<ImmutableArray<Book>> SearchAsync(string query, int limit)
    {
        _search ??= new CatalogSearchIndex(await ListAsync(includeInactive: true));
        return _search.Search(query, limit);
    }

    public Task<Book?> GetAsync(Guid id) => Task.FromResult(state.State.Books.GetValueOrDefault(id));

    public Task<ImmutableArray<Book>> GetManyAsync(ImmutableArray<Guid> ids) =>
        Task.FromResult(ids.Select(id => state.State.Books.GetValueOrDefault(id)).OfType<Book>().ToImmutableArray());

    public async Task<BookResult> CreateAsync(Guid id, BookDraft draft)
    {
        if (CatalogRules.Validate(draft) is { } invalid) return new BookResult(null, invalid);
        if (state.State.Books.ContainsKey(id)) return new BookResult(null, Errors.Conflict($"Book {id} already exists."));
        if (IsbnTaken(draft.Isbn, except: null)) return new BookResult(null, Errors.Conflict($"A book with ISBN {draft.Isbn} already exists."));

        var now = clock.GetUtcNow();
        var book = new Book(id, draft.Isbn.Trim(), draft.Title.Trim(), draft.Author.Trim(), draft.Publisher, draft.Price,
            draft.Description, draft.Genre, draft.PublicationYear, IsActive: true, now, now);
        await SaveAsync(book);
        return new BookResult(book, null);
    }

    public async Task<BookResult> UpdateAsync(Guid id, BookPatch patch, string? operationId = null)
    {
        if (!state.State.Books.TryGetValue(id, out var book)) return new BookResult(null, Errors.NotFound($"Book {id} does not exist."));
        if (state.State.Operations.TryGet(operationId, out _)) return new BookResult(book, null);
        var draft = CatalogRules.Apply(book, patch);
        if (CatalogRules.Validate(draft) is { } invalid) return new BookResult(null, invalid);
        if (IsbnTaken(draft.Isbn, except: id)) return new BookResult(null, Errors.Conflict($"A book with ISBN {draft.Isbn} already exists."));

        var updated = book with
        {
            Isbn = draft.Isbn.Trim(), Title = draft.Title.Trim(), Author = draft.Author.Trim(), Publisher = draft.Publisher,
            Price = draft.Price, Description = draft.Description, Genre = draft.Genre, PublicationYear = draft.PublicationYear,
            IsActive = patch.IsActive ?? book.IsActive, UpdatedAt = clock.GetUtcNow(),
        };
        await SaveAsync(updated, operationId);
        return new BookResult(updated, null);
    }

    public async Task<int> SeedAsync(ImmutableArray<Book> books)
    {
        var added = 0;
        foreach (var book in books)
        {
            if (state.State.Books.TryAdd(book.Id, book)) added++;
        }
        if (added > 0)
        {
            await WriteAsync();
        }
        return added;
    }

    private bool IsbnTaken(string isbn, Guid? except) =>
        state.State.Books.Values.Any(b => b.Id != except && string.Equals(b.Isbn, isbn.Trim(), StringComparison.OrdinalIgnoreCase));

    private async Task SaveAsync(Book book, string? operationId = null)
    {
        state.State.Books[book.Id] = book;
        state.State.Operations.Record(operationId, "updated");
        await WriteAsync();
    }

    private Task WriteAsync()
    {
        _active = _all = null;
        _search = null;
        return state.WriteOrDiscardAsync(GrainContext, logger);
    }
}
