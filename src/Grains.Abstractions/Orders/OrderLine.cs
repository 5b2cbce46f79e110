namespace AgentOps.Orders;

/// <summary>An ordered book with the price it was sold at.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.OrderLine")]
public sealed record OrderLine(
    [property: Id(0)] Guid BookId,
    [property: Id(1)] string Isbn,
    [property: Id(2)] string Title,
    [property: Id(3)] int Quantity,
    [property: Id(4)] decimal UnitPrice);
