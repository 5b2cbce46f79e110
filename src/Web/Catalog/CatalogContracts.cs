using System.Text.Json.Serialization;
using AgentOps.Catalog;

namespace AgentOps.Web.Catalog;

public sealed record BookResponse(
    Guid Id, string Isbn, string Title, string Author, string? Publisher, decimal Price, string? Description,
    string? Genre, int? PublicationYear, bool IsActive, int TotalInventory,
    [property: JsonPropertyName("availableStock")] int AvailableStock,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>Alias of <c>publication_year</c> for the original clients.</summary>
    [JsonPropertyName("publishedYear")]
    public int? PublishedYear => PublicationYear;

    public static BookResponse From(Book b, int total, int available) => new(b.Id, b.Isbn, b.Title, b.Author, b.Publisher, b.Price,
        b.Description, b.Genre, b.PublicationYear, b.IsActive, total, available, b.CreatedAt, b.UpdatedAt);
}

/// <summary>Body of POST (all required fields) and PUT (any subset) /store/books.</summary>
public sealed record BookRequest(
    string? Isbn, string? Title, string? Author, string? Publisher, decimal? Price, string? Description,
    string? Genre, int? PublicationYear, bool? IsActive)
{
    public BookDraft ToDraft() => new(Isbn ?? "", Title ?? "", Author ?? "", Publisher, Price ?? 0, Description, Genre, PublicationYear);

    public BookPatch ToPatch() => new(Isbn, Title, Author, Publisher, Price, Description, Genre, PublicationYear, IsActive);
}
