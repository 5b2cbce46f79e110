namespace AgentOps.Warehouses;

/// <summary>Either a confirmation or a definite refusal: a refused shipment changed nothing.</summary>
/// <param name="Replayed">The confirmation is the first one of an earlier, identical instruction: nothing shipped now.</param>
[GenerateSerializer, Immutable, Alias("AgentOps.ShipmentOutcome")]
public sealed record ShipmentOutcome(
    [property: Id(0)] ShipmentConfirmation? Confirmation,
    [property: Id(1)] Common.OperationError? Refusal,
    [property: Id(2)] bool Replayed = false);
