namespace AgentOps.Catalog;

/// <summary>The fields of a new book; the catalog assigns timestamps.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.BookDraft")]
public sealed record BookDraft(
    [property: Id(0)] string Isbn,
    [property: Id(1)] string Title,
    [property: Id(2)] string Author,
    [property: Id(3)] string? Publisher,
    [property: Id(4)] decimal Price,
    [property: Id(5)] string? Description,
    [property: Id(6)] string? Genre,
    [property: Id(7)] int? PublicationYear);
