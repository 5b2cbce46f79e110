using System.Collections.Immutable;
using AgentOps.Common;

namespace AgentOps.Warehouses;

/// <summary>The outcome of checking a shipment against stock: either the stock after it, or what is missing.</summary>
public sealed record ShipmentDecision(ImmutableArray<StockLine> Remaining, ImmutableArray<StockLine> Shortages)
{
    public bool CanShip => Shortages.IsEmpty;
}

/// <summary>Pure stock rules: a shipment takes all its lines or nothing, and stock never goes below zero.</summary>
public static class StockLedger
{
    public static ShipmentDecision Decide(IReadOnlyDictionary<Guid, int> stock, ImmutableArray<StockLine> items)
    {
        var wanted = Merge(items);
        var remaining = ImmutableArray.CreateBuilder<StockLine>(wanted.Count);
        var shortages = ImmutableArray.CreateBuilder<StockLine>();
        foreach (var (bookId, quantity) in wanted)
        {
            var onHand = stock.GetValueOrDefault(bookId);
            if (onHand < quantity)
            {
                shortages.Add(new StockLine(bookId, quantity - onHand));
            }
            else
            {
                remaining.Add(new StockLine(bookId, onHand - quantity));
            }
        }
        return new ShipmentDecision(remaining.ToImmutable(), shortages.ToImmutable());
    }

    /// <summary>Applies a decision that <see cref="ShipmentDecision.CanShip"/>.</summary>
    public static void Apply(IDictionary<Guid, int> stock, ShipmentDecision decision)
    {
        if (!decision.CanShip) throw new InvalidOperationException("A shipment with shortages cannot be applied.");
        foreach (var line in decision.Remaining) stock[line.BookId] = line.Quantity;
    }

    public static OperationError? ValidateShipment(ImmutableArray<StockLine> items, int maxQuantity)
    {
        if (items.IsDefaultOrEmpty) return Errors.Validation("empty_items", "A shipment needs at least one item.");
        foreach (var item in items)
        {
            if (item.BookId == Guid.Empty) return Errors.Validation("invalid_book_id", "Every item needs a bookId.");
            if (item.Quantity <= 0 || item.Quantity > maxQuantity)
                return Errors.Validation("invalid_quantity", $"Quantity must be between 1 and {maxQuantity}.",
                    new Dictionary<string, string> { ["bookId"] = item.BookId.ToString(), ["quantity"] = item.Quantity.ToString() });
        }
        return null;
    }

    public static OperationError? ValidateStockLevels(ImmutableArray<StockLine> lines, int maxStock)
    {
        if (lines.IsDefaultOrEmpty) return Errors.Validation("empty_items", "At least one stock line is required.");
        foreach (var line in lines)
        {
            if (line.BookId == Guid.Empty) return Errors.Validation("invalid_book_id", "Every stock line needs a bookId.");
            if (line.Quantity < 0 || line.Quantity > maxStock)
                return Errors.Validation("invalid_quantity", $"Stock must be between 0 and {maxStock}.",
                    new Dictionary<string, string> { ["bookId"] = line.BookId.ToString(), ["quantity"] = line.Quantity.ToString() });
        }
        return null;
    }

    private static Dictionary<Guid, int> Merge(ImmutableArray<StockLine> items)
    {
        var merged = new Dictionary<Guid, int>();
        foreach (var item in items) merged[item.BookId] = checked(merged.GetValueOrDefault(item.BookId) + item.Quantity);
        return merged;
    }
}
