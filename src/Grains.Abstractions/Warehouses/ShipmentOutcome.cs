namespace AgentOps.Warehouses;

/// <summary>Either a confirmation or a definite refusal: a refused shipment changed nothing.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.ShipmentOutcome")]
public sealed record ShipmentOutcome(
    [property: Id(0)] ShipmentConfirmation? Confirmation,
    [property: Id(1)] Common.OperationError? Refusal);
