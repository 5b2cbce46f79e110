namespace AgentOps.Warehouses;

/// <summary>Archived shipment confirmations per warehouse: PostgreSQL in deployments, memory in grain-logic tests.</summary>
public interface IShipmentLogStore
{
    /// <summary>Archives confirmations; one already archived for the same order is left as it is.</summary>
    Task AppendAsync(string warehouse, IReadOnlyCollection<ShipmentConfirmation> confirmations);

    Task<ShipmentConfirmation?> FindAsync(string warehouse, Guid orderId);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<ShipmentConfirmation>> ListAsync(string warehouse, int limit);
}
