namespace AgentOps.Orders;

/// <summary>One order, a durable state machine PENDING → SHIPPED | FAILED | CANCELLED.</summary>
[Alias("AgentOps.IOrderGrain")]
public interface IOrderGrain : IGrainWithGuidKey
{
    /// <summary>Validates, records payment and fulfils the order; placing the same order again returns it.</summary>
    [Alias("Place")]
    Task<OrderResult> PlaceAsync(PlaceOrder command);

    [Alias("Get"), ReadOnly]
    Task<OrderSnapshot?> GetAsync();

    /// <summary>Drives a PENDING order towards an end state (used by its reminder after a crash).</summary>
    [Alias("Resume")]
    Task<OrderSnapshot?> ResumeAsync();

    /// <summary>Cancels a PENDING or FAILED order and refunds its payment, at most once per <paramref name="operationId"/>.</summary>
    [Alias("Cancel")]
    Task<OrderResult> CancelAsync(string reason, string cancelledBy, string operationId);

    /// <summary>Tries a FAILED order's shipment again (payment captured again), at most once per <paramref name="operationId"/>.</summary>
    [Alias("Retry")]
    Task<OrderResult> RetryAsync(string requestedBy, string operationId);
}
