using System.Collections.Immutable;

namespace AgentOps.Catalog;

/// <summary>The book catalog. One activation (key 0) owns every book; reads interleave.</summary>
[Alias("AgentOps.ICatalogGrain")]
public interface ICatalogGrain : IGrainWithIntegerKey
{
    [Alias("List"), ReadOnly]
    Task<ImmutableArray<Book>> ListAsync(bool includeInactive);

    /// <summary>Books (inactive ones too) whose title, author or ISBN contains <paramref name="query"/>; exact titles first.</summary>
    [Alias("Search"), ReadOnly]
    Task<ImmutableArray<Book>> SearchAsync(string query, int limit);

    [Alias("Get"), ReadOnly]
    Task<Book?> GetAsync(Guid id);

    [Alias("GetMany"), ReadOnly]
    Task<ImmutableArray<Book>> GetManyAsync(ImmutableArray<Guid> ids);

    [Alias("Create")]
    Task<BookResult> CreateAsync(Guid id, BookDraft draft);

    [Alias("Update")]
    Task<BookResult> UpdateAsync(Guid id, BookPatch patch, string? operationId = null);

    /// <summary>Adds the books that are not in the catalog yet; returns how many were added.</summary>
    [Alias("Seed")]
    Task<int> SeedAsync(ImmutableArray<Book> books);
}
