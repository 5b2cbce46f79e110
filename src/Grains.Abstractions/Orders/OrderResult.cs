namespace AgentOps.Orders;

/// <param name="Created">False when an existing order was returned (idempotent replay).</param>
[GenerateSerializer, Immutable, Alias("AgentOps.OrderResult")]
public sealed record OrderResult(
    [property: Id(0)] OrderSnapshot? Order,
    [property: Id(1)] Common.OperationError? Error,
    [property: Id(2)] bool Created);
