namespace AgentOps.Catalog;

[GenerateSerializer, Alias("AgentOps.CatalogState")]
public sealed class CatalogState
{
    [Id(0)] public Dictionary<Guid, Book> Books { get; set; } = [];

    /// <summary>Idempotency keys of agent operations (price change, deactivation) already applied.</summary>
    [Id(1)] public Common.OperationLog Operations { get; set; } = new();
}
