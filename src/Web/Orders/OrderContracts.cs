using System.Text.Json.Serialization;
using AgentOps.Orders;

namespace AgentOps.Web.Orders;

public sealed record OrderItemRequest([property: JsonPropertyName("bookId")] Guid? BookId, int? Quantity);

public sealed record PaymentBody(string? Method, decimal? Amount);

public sealed record CreateOrderRequest(List<OrderItemRequest?>? Items, PaymentBody? Payment);

public sealed record OrderLineResponse([property: JsonPropertyName("bookId")] Guid BookId, string Isbn, string Title, int Quantity, decimal UnitPrice);

public sealed record PaymentResponse(string Method, decimal Amount, string Status, DateTimeOffset CapturedAt, DateTimeOffset? RefundedAt);

public sealed record OrderResponse(
    Guid Id, Guid UserId, string Status, IReadOnlyList<OrderLineResponse> Items, decimal TotalAmount,
    PaymentResponse? Payment, string? Warehouse, IReadOnlyList<string> AttemptedWarehouses, string? FailureReason,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static OrderResponse From(OrderSnapshot o) => new(
        o.Id, o.UserId, o.Status.ToString().ToUpperInvariant(),
        [.. o.Lines.Select(l => new OrderLineResponse(l.BookId, l.Isbn, l.Title, l.Quantity, l.UnitPrice))],
        o.Total,
        o.Payment is { } p ? new PaymentResponse(p.Method, p.Amount, p.Status.ToString().ToUpperInvariant(), p.CapturedAt, p.RefundedAt) : null,
        o.Warehouse, o.AttemptedWarehouses, o.FailureReason, o.CreatedAt, o.UpdatedAt);
}
