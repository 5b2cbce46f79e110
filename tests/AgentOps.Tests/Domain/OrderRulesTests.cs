using AgentOps.Catalog;
using AgentOps.Orders;
using AgentOps.Warehouses;

namespace AgentOps.Tests.Domain;

public sealed class OrderRulesTests
{
    private static Book NewBook(decimal price, bool active = true) =>
        new(Guid.NewGuid(), "isbn", "Title", "Author", null, price, null, null, null, active, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(1001)]
    public void Quantity_outside_one_to_the_limit_is_invalid(int quantity) =>
        Assert.Equal("validation.invalid_quantity", OrderRules.ValidateItems([new OrderItem(Guid.NewGuid(), quantity)], 50, 1000)?.Code);

    [Fact]
    public void An_order_without_items_is_invalid() =>
        Assert.Equal("validation.empty_items", OrderRules.ValidateItems([], 50, 1000)?.Code);

    [Fact]
    public void The_same_book_twice_is_invalid()
    {
        var id = Guid.NewGuid();
        Assert.Equal("validation.duplicate_item", OrderRules.ValidateItems([new OrderItem(id, 1), new OrderItem(id, 2)], 50, 1000)?.Code);
    }

    [Fact]
    public void Total_is_the_sum_of_quantity_times_current_price()
    {
        var a = NewBook(10.99m);
        var b = NewBook(2.50m);
        var (order, error) = OrderRules.Price([new OrderItem(a.Id, 2), new OrderItem(b.Id, 3)], new Dictionary<Guid, Book> { [a.Id] = a, [b.Id] = b });

        Assert.Null(error);
        Assert.Equal(29.48m, order!.Total);
    }

    [Fact]
    public void Inactive_and_unknown_books_cannot_be_ordered()
    {
        var inactive = NewBook(5m, active: false);
        var books = new Dictionary<Guid, Book> { [inactive.Id] = inactive };
        Assert.Equal("validation.book_inactive", OrderRules.Price([new OrderItem(inactive.Id, 1)], books).Error?.Code);
        Assert.Equal("validation.unknown_book", OrderRules.Price([new OrderItem(Guid.NewGuid(), 1)], books).Error?.Code);
    }

    [Theory]
    [InlineData("29.48", null)]
    [InlineData("29.47", "validation.payment_amount_mismatch")]
    [InlineData("0", "validation.payment_amount_mismatch")]
    public void Payment_amount_must_equal_the_total(string amount, string? code) =>
        Assert.Equal(code, OrderRules.ValidatePayment(new PaymentRequest("card", decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)), 29.48m)?.Code);

    [Fact]
    public void The_same_user_and_idempotency_key_give_the_same_order_id()
    {
        var user = Guid.NewGuid();
        Assert.Equal(OrderRules.IdFor(user, "k1"), OrderRules.IdFor(user, "k1"));
        Assert.NotEqual(OrderRules.IdFor(user, "k1"), OrderRules.IdFor(user, "k2"));
        Assert.NotEqual(OrderRules.IdFor(user, "k1"), OrderRules.IdFor(Guid.NewGuid(), "k1"));
    }

    [Fact]
    public void Offline_and_refused_warehouses_are_never_candidates_and_healthy_come_before_unchecked()
    {
        static WarehouseRegistration W(string name, WarehouseStatus status) => new(Guid.NewGuid(), name, "u", status, DateTimeOffset.UnixEpoch, null, null, null);
        var registrations = new[] { W("a", WarehouseStatus.Healthy), W("b", WarehouseStatus.Offline), W("c", WarehouseStatus.Healthy), W("d", WarehouseStatus.Unknown) };

        var candidates = FulfilmentPlanner.Candidates(registrations, Guid.NewGuid(), new HashSet<string> { "c" });

        Assert.Equal(new[] { "a", "d" }, candidates.ToArray());
    }
}
