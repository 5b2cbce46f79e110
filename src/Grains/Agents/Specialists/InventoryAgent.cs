using System.Text.Json;
using System.Text.RegularExpressions;
using AgentOps.Users;

namespace AgentOps.Agents.Specialists;

/// <summary>Reconciles inventory, explains drift, and sets stock levels (setting stock needs approval).</summary>
public sealed partial class InventoryAgent : IAgent
{
    public const string AgentType = "inventory";

    public string Type => AgentType;

    public string Description => "Reconciles the inventory cache with the warehouses, reports drift and sets stock levels.";

    public IReadOnlyList<string> Capabilities => ["inventory", "stock", "reconcile", "reconciliation", "drift", "quantity", "set"];

    public IReadOnlyList<string> ToolNames => ["search_books", "get_book_inventory", "get_warehouse_stock", "reconcile_inventory", "set_stock"];

    // Stock is managed by warehouse staff (their own warehouse) and store admins.

    public IReadOnlyCollection<UserRole> AllowedRoles => [UserRole.WarehouseStaff, UserRole.StoreAdmin];

    public AgentDecision Plan(AgentContext context)
    {
        var setStock = SetStockPattern().Match(context.Prompt);
        return setStock.Success
            ? PlanSetStock(context, setStock.Groups["book"].Value.Trim(' ', '"', '\''), setStock.Groups["warehouse"].Value.ToLowerInvariant(),
                int.Parse(setStock.Groups["quantity"].Value, System.Globalization.CultureInfo.InvariantCulture))
            : PlanReconcile(context);
    }

    private static AgentDecision PlanSetStock(AgentContext context, string book, string warehouse, int quantity)
    {
        if (context.Last("search_books") is not { } search)
            return new CallTool($"Looking up the book \"{book}\".", "search_books", JsonSerializer.Serialize(new { query = book, limit = 5 }));
        var matches = search.OutputJson().TryGetProperty("books", out var books) ? books.EnumerateArray().ToList() : [];
        if (matches.Count == 0) return new Finish(null, $"No book matches \"{book}\"; stock was not changed.");
        var bookId = matches[0].GetProperty("book_id").GetString()!;
        var title = matches[0].GetProperty("title").GetString();

        if (context.Last("set_stock") is not { } set)
            return new CallTool($"Setting the stock of \"{title}\" at {warehouse} to {quantity}.", "set_stock",
                JsonSerializer.Serialize(new { warehouse, book_id = bookId, quantity }));
        if (!set.Succeeded) return new Finish(null, $"The stock of \"{title}\" at {warehouse} was not changed: {set.FailureReason()}.");
        var output = set.OutputJson();
        return new Finish(null, $"The stock of \"{title}\" at {output.GetProperty("warehouse").GetString()} is now {output.GetProperty("quantity")} " +
                                $"(was {(output.TryGetProperty("previous_quantity", out var p) ? p.ToString() : "not stocked")}).");
    }

    private static AgentDecision PlanReconcile(AgentContext context)
    {
        if (context.Last("reconcile_inventory") is not { } run)
            return new CallTool("Reconciling the inventory cache with every healthy warehouse.", "reconcile_inventory", "{}");
        if (!run.Succeeded) return new Finish(null, $"Reconciliation failed: {run.FailureReason()}.");
        var report = run.OutputJson();
        var drifts = report.GetProperty("drifts").EnumerateArray().ToList();
        var skipped = report.GetProperty("skipped").EnumerateArray().Select(s => s.GetString()).ToList();
        var checkedIn = string.Join(", ", report.GetProperty("warehouses").EnumerateArray().Select(w => w.GetString()));
        var summary = $"Reconciled {report.GetProperty("lines_checked")} stock lines in {(checkedIn.Length > 0 ? checkedIn : "no warehouse")}; " +
                      (drifts.Count == 0 ? "no drift found." : $"{drifts.Count} drift{(drifts.Count == 1 ? "" : "s")} found and corrected in the cache: " +
                          string.Join("; ", drifts.Take(10).Select(d => $"{d.GetProperty("warehouse").GetString()} book {d.GetProperty("book_id").GetString()} cached {d.GetProperty("cached")} actual {d.GetProperty("actual")}")) + ".");
        if (skipped.Count > 0) summary += $" Skipped (not HEALTHY): {string.Join(", ", skipped)}.";
        return new Finish(null, summary);
    }

    [GeneratedRegex(@"set\s+(?:the\s+)?stock\s+(?:of|for)\s+(?<book>.+?)\s+(?:at|in)\s+(?:warehouse\s+)?(?<warehouse>[A-Za-z0-9][A-Za-z0-9\-]*)\s+to\s+(?<quantity>\d{1,7})", RegexOptions.IgnoreCase)]
    private static partial Regex SetStockPattern();
}
