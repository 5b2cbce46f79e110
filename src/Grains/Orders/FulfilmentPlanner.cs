using System.Collections.Immutable;
using AgentOps.Warehouses;

namespace AgentOps.Orders;

/// <summary>Which warehouses an order tries, in order.</summary>
public static class FulfilmentPlanner
{
    /// <summary>
    /// HEALTHY warehouses not yet refused, starting at a place picked by the order id so that
    /// concurrent orders spread over the warehouses instead of all hitting the first one; then
    /// warehouses not health-checked yet (just registered). OFFLINE ones are never tried.
    /// </summary>
    public static ImmutableArray<string> Candidates(IEnumerable<WarehouseRegistration> registrations, Guid orderId, IReadOnlySet<string> refused)
    {
        var usable = registrations.Where(r => !refused.Contains(r.Name)).ToArray();
        var healthy = Names(usable, WarehouseStatus.Healthy);
        var unchecked_ = Names(usable, WarehouseStatus.Unknown);
        if (healthy.Length == 0) return [.. unchecked_];
        var start = (int)((uint)orderId.GetHashCode() % (uint)healthy.Length);
        return [.. healthy[start..], .. healthy[..start], .. unchecked_];
    }

    private static string[] Names(IEnumerable<WarehouseRegistration> registrations, WarehouseStatus status) =>
        registrations.Where(r => r.Status == status).Select(r => r.Name).Order(StringComparer.Ordinal).ToArray();
}
