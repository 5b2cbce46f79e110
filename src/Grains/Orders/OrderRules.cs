using System.Collections.Immutable;
using AgentOps.Catalog;
using AgentOps.Common;

namespace AgentOps.Orders;

public sealed record PricedOrder(ImmutableArray<OrderLine> Lines, decimal Total);

/// <summary>Pure order rules: item validation, pricing, and the payment check.</summary>
public static class OrderRules
{
    public static OperationError? ValidateItems(ImmutableArray<OrderItem> items, int maxLines, int maxQuantity)
    {
        if (items.IsDefaultOrEmpty) return Errors.Validation("empty_items", "An order needs at least one item.");
        if (items.Length > maxLines) return Errors.Validation("too_many_items", $"An order may have at most {maxLines} items.");
        foreach (var item in items)
        {
            if (item.BookId == Guid.Empty) return Errors.Validation("invalid_book_id", "Every item needs a bookId.");
            if (item.Quantity <= 0 || item.Quantity > maxQuantity)
                return Errors.Validation("invalid_quantity", $"Quantity must be between 1 and {maxQuantity}.",
                    new Dictionary<string, string> { ["bookId"] = item.BookId.ToString(), ["quantity"] = item.Quantity.ToString() });
        }
        var duplicated = items.GroupBy(i => i.BookId).FirstOrDefault(g => g.Count() > 1);
        if (duplicated is not null)
            return Errors.Validation("duplicate_item", "Each book may appear once per order; add up the quantities.",
                new Dictionary<string, string> { ["bookId"] = duplicated.Key.ToString() });
        return null;
    }

    public static OperationError? ValidatePayment(PaymentRequest? payment, decimal total)
    {
        if (payment is null) return null;
        if (string.IsNullOrWhiteSpace(payment.Method) || payment.Method.Length > 40)
            return Errors.Validation("invalid_payment_method", "payment.method must be a non-empty string of at most 40 characters.");
        if (payment.Amount != total)
            return Errors.Validation("payment_amount_mismatch", $"payment.amount must equal the order total {total}.",
                new Dictionary<string, string> { ["expected"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture), ["given"] = payment.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return null;
    }

    /// <summary>Prices the items at the catalog's current prices; unknown or inactive books are refused.</summary>
    public static (PricedOrder? Order, OperationError? Error) Price(ImmutableArray<OrderItem> items, IReadOnlyDictionary<Guid, Book> books)
    {
        var lines = ImmutableArray.CreateBuilder<OrderLine>(items.Length);
        foreach (var item in items)
        {
            if (!books.TryGetValue(item.BookId, out var book))
                return (null, Errors.Validation("unknown_book", $"Book {item.BookId} does not exist.", new Dictionary<string, string> { ["bookId"] = item.BookId.ToString() }));
            if (!book.IsActive)
                return (null, Errors.Validation("book_inactive", $"Book {item.BookId} is no longer sold.", new Dictionary<string, string> { ["bookId"] = item.BookId.ToString() }));
            lines.Add(new OrderLine(book.Id, book.Isbn, book.Title, item.Quantity, book.Price));
        }
        var total = lines.Sum(l => l.UnitPrice * l.Quantity);
        return (new PricedOrder(lines.ToImmutable(), total), null);
    }

    /// <summary>
    /// A hash of what an order asks for: the items (in book order, so the order they were listed in does not matter)
    /// and the payment. Two requests with the same fingerprint are the same request.
    /// </summary>
    public static string Fingerprint(ImmutableArray<OrderItem> items, PaymentRequest? payment)
    {
        var text = new System.Text.StringBuilder();
        foreach (var item in items.OrderBy(i => i.BookId)) text.Append(item.BookId.ToString("N")).Append('*').Append(item.Quantity).Append(';');
        if (payment is not null)
        {
            text.Append("|pay:").Append(payment.Method.Trim()).Append(':').Append(payment.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>An Idempotency-Key sent again must come with the same order; otherwise 422 and the first order stands.</summary>
    public static OperationError? CheckReplay(OrderSnapshot existing, PlaceOrder command) =>
        existing.RequestFingerprint is { } recorded && recorded != Fingerprint(command.Items, command.Payment)
            ? Errors.Unprocessable("idempotency_key_reused", "This Idempotency-Key was already used for a different order; use a new key for a new order.",
                new Dictionary<string, string> { ["order_id"] = existing.Id.ToString() })
            : null;

    /// <summary>The order id for an idempotency key: the same user and key always give the same order.</summary>
    public static Guid IdFor(Guid userId, string idempotencyKey) =>
        NameBasedGuid.Create(NameBasedGuid.Orders, $"{userId:N}/{idempotencyKey}");

    /// <summary>
    /// Only orders that have not shipped can be cancelled, and not while a warehouse has been asked to ship and
    /// has not answered: it may have shipped already.
    /// </summary>
    public static OperationError? CheckCancellable(OrderSnapshot order, string? unansweredWarehouse) => order.Status switch
    {
        OrderStatus.Shipped => Errors.Conflict($"Order {order.Id} has shipped from {order.Warehouse} and can no longer be cancelled."),
        OrderStatus.Cancelled => Errors.Conflict($"Order {order.Id} is already cancelled."),
        OrderStatus.Pending when unansweredWarehouse is not null =>
            Errors.Conflict($"Order {order.Id} is waiting for warehouse {unansweredWarehouse} to answer; try again after it has."),
        _ => null,
    };
}
