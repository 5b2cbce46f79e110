namespace AgentOps.Orders;

[GenerateSerializer, Alias("AgentOps.OrderIndexState")]
public sealed class OrderIndexState
{
    [Id(0)] public List<OrderReference> Orders { get; set; } = [];
}
