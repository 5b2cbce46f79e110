using AgentOps.Common;

namespace AgentOps.Catalog;

public static class CatalogRules
{
    public const decimal MaxPrice = 100_000m;

    public static OperationError? Validate(BookDraft draft)
    {
        if (string.IsNullOrWhiteSpace(draft.Isbn) || draft.Isbn.Length > 20) return Errors.Validation("invalid_isbn", "isbn is required (at most 20 characters).");
        if (string.IsNullOrWhiteSpace(draft.Title) || draft.Title.Length > 300) return Errors.Validation("invalid_title", "title is required (at most 300 characters).");
        if (string.IsNullOrWhiteSpace(draft.Author) || draft.Author.Length > 200) return Errors.Validation("invalid_author", "author is required (at most 200 characters).");
        if (draft.Price <= 0 || draft.Price > MaxPrice || decimal.Round(draft.Price, 2) != draft.Price)
            return Errors.Validation("invalid_price", $"price must be positive, at most {MaxPrice}, with at most two decimals.");
        if (draft.PublicationYear is < 0 or > 3000) return Errors.Validation("invalid_publication_year", "publication_year must be between 0 and 3000.");
        if (draft.Description is { Length: > 5000 }) return Errors.Validation("invalid_description", "description may have at most 5000 characters.");
        if (draft.Publisher is { Length: > 200 } || draft.Genre is { Length: > 100 }) return Errors.Validation("field_too_long", "publisher or genre is too long.");
        return null;
    }

    public static BookDraft Apply(Book book, BookPatch patch) => new(
        patch.Isbn ?? book.Isbn, patch.Title ?? book.Title, patch.Author ?? book.Author,
        patch.Publisher ?? book.Publisher, patch.Price ?? book.Price, patch.Description ?? book.Description,
        patch.Genre ?? book.Genre, patch.PublicationYear ?? book.PublicationYear);
}
