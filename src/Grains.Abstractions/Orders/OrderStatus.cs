namespace AgentOps.Orders;

[GenerateSerializer, Alias("AgentOps.OrderStatus")]
public enum OrderStatus
{
    Pending = 0,
    Shipped = 1,
    Failed = 2,
    Cancelled = 3,
}
