using System.Text.Json.Serialization;
using AgentOps.Common;
using AgentOps.Orders;

namespace AgentOps.Web.Orders;

public sealed record OrderItemRequest([property: JsonPropertyName("bookId")] Guid? BookId, int? Quantity);

public sealed record PaymentBody(string? Method, decimal? Amount);

public sealed record CreateOrderRequest(List<OrderItemRequest?>? Items, PaymentBody? Payment);

/// <param name="Id">
/// The line's own id, as the original clients list items by: derived from the order id and the book id (a book
/// appears once per order), so it is the same on every read and differs from order to order.
/// </param>
public sealed record OrderLineResponse(Guid Id, [property: JsonPropertyName("bookId")] Guid BookId, string Isbn, string Title, int Quantity, decimal UnitPrice)
{
    public static Guid LineId(Guid orderId, Guid bookId) => NameBasedGuid.Create(orderId, bookId.ToString("N"));

    /// <summary>Alias of <c>title</c> for the original clients.</summary>
    [JsonPropertyName("bookTitle")]
    public string BookTitle => Title;

    /// <summary>Alias of <c>unit_price</c> for the original clients.</summary>
    [JsonPropertyName("priceAtPurchase")]
    public decimal PriceAtPurchase => UnitPrice;
}

public sealed record PaymentResponse(string Method, decimal Amount, string Status, DateTimeOffset CapturedAt, DateTimeOffset? RefundedAt);

public sealed record OrderResponse(
    Guid Id, Guid UserId, string Status, IReadOnlyList<OrderLineResponse> Items, decimal TotalAmount,
    PaymentResponse? Payment, string? Warehouse, IReadOnlyList<string> AttemptedWarehouses, string? FailureReason,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>Alias of <c>total_amount</c> for the original clients.</summary>
    [JsonPropertyName("totalAmount")]
    public decimal TotalAmountAlias => TotalAmount;

    /// <summary>Alias of <c>created_at</c> for the original clients.</summary>
    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAtAlias => CreatedAt;

    public static OrderResponse From(OrderSnapshot o) => new(
        o.Id, o.UserId, o.Status.ToString().ToUpperInvariant(),
        [.. o.Lines.Select(l => new OrderLineResponse(OrderLineResponse.LineId(o.Id, l.BookId), l.BookId, l.Isbn, l.Title, l.Quantity, l.UnitPrice))],
        o.Total,
        o.Payment is { } p ? new PaymentResponse(p.Method, p.Amount, p.Status.ToString().ToUpperInvariant(), p.CapturedAt, p.RefundedAt) : null,
        o.Warehouse, o.AttemptedWarehouses, o.FailureReason, o.CreatedAt, o.UpdatedAt);
}
