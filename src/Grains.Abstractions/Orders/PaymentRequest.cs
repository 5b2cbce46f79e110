namespace AgentOps.Orders;

[GenerateSerializer, Immutable, Alias("AgentOps.PaymentRequest")]
public sealed record PaymentRequest([property: Id(0)] string Method, [property: Id(1)] decimal Amount);
