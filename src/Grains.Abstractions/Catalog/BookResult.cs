namespace AgentOps.Catalog;

[GenerateSerializer, Immutable, Alias("AgentOps.BookResult")]
public sealed record BookResult([property: Id(0)] Book? Book, [property: Id(1)] Common.OperationError? Error);
