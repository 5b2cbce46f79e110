namespace AgentOps.Catalog;

[GenerateSerializer, Alias("AgentOps.CatalogState")]
public sealed class CatalogState
{
    [Id(0)] public Dictionary<Guid, Book> Books { get; set; } = [];
}
