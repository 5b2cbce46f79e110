using System.Collections.Immutable;

namespace AgentOps.Orders;

/// <summary>Order lists (a customer's, or everyone's), answered from the order table; stateless, any silo answers.</summary>
[Alias("AgentOps.IOrderDirectoryGrain")]
public interface IOrderDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("List"), ReadOnly]
    Task<ImmutableArray<OrderReference>> ListAsync(OrderQuery query);
}
