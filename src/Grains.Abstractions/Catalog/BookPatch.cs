namespace AgentOps.Catalog;

/// <summary>A partial update: null fields are left as they are.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.BookPatch")]
public sealed record BookPatch(
    [property: Id(0)] string? Isbn = null,
    [property: Id(1)] string? Title = null,
    [property: Id(2)] string? Author = null,
    [property: Id(3)] string? Publisher = null,
    [property: Id(4)] decimal? Price = null,
    [property: Id(5)] string? Description = null,
    [property: Id(6)] string? Genre = null,
    [property: Id(7)] int? PublicationYear = null,
    [property: Id(8)] bool? IsActive = null);
