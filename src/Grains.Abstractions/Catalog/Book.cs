namespace AgentOps.Catalog;

[GenerateSerializer, Immutable, Alias("AgentOps.Book")]
public sealed record Book(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Isbn,
    [property: Id(2)] string Title,
    [property: Id(3)] string Author,
    [property: Id(4)] string? Publisher,
    [property: Id(5)] decimal Price,
    [property: Id(6)] string? Description,
    [property: Id(7)] string? Genre,
    [property: Id(8)] int? PublicationYear,
    [property: Id(9)] bool IsActive,
    [property: Id(10)] DateTimeOffset CreatedAt,
    [property: Id(11)] DateTimeOffset UpdatedAt);
