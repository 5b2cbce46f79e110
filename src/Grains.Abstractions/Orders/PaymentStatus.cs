namespace AgentOps.Orders;

[GenerateSerializer, Alias("AgentOps.PaymentStatus")]
public enum PaymentStatus
{
    Captured = 0,
    Refunded = 1,
}
