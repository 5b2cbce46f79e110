using System.Collections.Immutable;

namespace AgentOps.Orders;

/// <summary>
/// A list of order ids, newest first. Keys: <c>user/{userId}</c> for one customer's orders and
/// <c>all/{shard}</c> for the admin view (sharded so that no single activation takes every order).
/// </summary>
[Alias("AgentOps.IOrderIndexGrain")]
public interface IOrderIndexGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task AddAsync(OrderReference order);

    [Alias("List"), ReadOnly]
    Task<ImmutableArray<OrderReference>> ListAsync();
}
