namespace AgentOps.Orders;

[GenerateSerializer, Alias("AgentOps.OrderState")]
public sealed class OrderState
{
    [Id(0)] public OrderSnapshot? Order { get; set; }

    /// <summary>Warehouses that definitely refused this order (they changed nothing).</summary>
    [Id(1)] public HashSet<string> Refused { get; set; } = [];

    /// <summary>A warehouse asked to ship that did not answer: it must be asked again before any other.</summary>
    [Id(2)] public string? Unanswered { get; set; }

    /// <summary>Idempotency keys of agent operations (cancel, retry) already applied.</summary>
    [Id(3)] public Common.OperationLog Operations { get; set; } = new();
}
