namespace AgentOps.Orders;

[GenerateSerializer, Immutable, Alias("AgentOps.PaymentRecord")]
public sealed record PaymentRecord(
    [property: Id(0)] string Method,
    [property: Id(1)] decimal Amount,
    [property: Id(2)] PaymentStatus Status,
    [property: Id(3)] DateTimeOffset CapturedAt,
    [property: Id(4)] DateTimeOffset? RefundedAt);
