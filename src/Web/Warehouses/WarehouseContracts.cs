using System.Text.Json.Serialization;
using AgentOps.Warehouses;

namespace AgentOps.Web.Warehouses;

public sealed record WarehouseResponse(Guid Id, string Name, string Url, string Status, DateTimeOffset? LastSeen, string? LastError, double? LatencyMs, DateTimeOffset RegisteredAt)
{
    /// <summary>Alias of <c>last_seen</c> for the original clients.</summary>
    [JsonPropertyName("lastSeen")]
    public DateTimeOffset? LastSeenAlias => LastSeen;

    public static WarehouseResponse From(WarehouseRegistration r) =>
        new(r.Id, r.Name, r.Url, r.Status.ToString().ToUpperInvariant(), r.LastSeen, r.LastError, r.LastLatencyMs, r.RegisteredAt);
}

public sealed record RegisterWarehouseRequest(string? Name, string? Url);

public sealed record HealthResponse(string Status, DateTimeOffset Timestamp);

public sealed record FaultResponse(string Type, int DelayMs, DateTimeOffset Since, string? SetBy);

/// <summary>GET /warehouses/{name}/info, in the shape the original warehouse service answered with.</summary>
/// <param name="Status"><c>active</c> while the warehouse is registered and reachable, else <c>offline</c> (the original's vocabulary).</param>
/// <param name="Health">What the store's health check last found: HEALTHY, OFFLINE or UNKNOWN, as <c>status</c> in GET /store/warehouses.</param>
/// <param name="RegisteredWith">The store the warehouse is registered with.</param>
public sealed record WarehouseInfoResponse(
    string Name, string Status, string Health, [property: JsonPropertyName("registeredWith")] string RegisteredWith,
    DateTimeOffset? LastSeen, FaultResponse? Fault, int Books, long Units)
{
    public const string Active = "active";
    public const string Offline = "offline";

    /// <summary>Alias of <c>last_seen</c> for the original clients.</summary>
    [JsonPropertyName("lastSeen")]
    public DateTimeOffset? LastSeenAlias => LastSeen;
}

public sealed record StockItemResponse([property: JsonPropertyName("bookId")] Guid BookId, string? Isbn, string? Title, string? Author, int Quantity);

public sealed record StockItemRequest([property: JsonPropertyName("bookId")] Guid? BookId, int? Quantity);

/// <summary>Either one line (<c>bookId</c>, <c>quantity</c>) or several (<c>items</c>).</summary>
public sealed record SetStockRequest([property: JsonPropertyName("bookId")] Guid? BookId, int? Quantity, List<StockItemRequest?>? Items);

public sealed record QuantityRequest(int? Quantity);

public sealed record ShipmentItemRequest([property: JsonPropertyName("bookId")] Guid? BookId, string? Isbn, int? Quantity);

public sealed record ShipmentRequestBody([property: JsonPropertyName("orderId")] Guid? OrderId, List<ShipmentItemRequest?>? Items);

public sealed record ShipmentResponse(Guid Id, [property: JsonPropertyName("orderId")] Guid OrderId, string Warehouse, IReadOnlyList<StockItemResponse> Items, DateTimeOffset ShippedAt);

public sealed record FaultRequest(string? Type, int? DelayMs);
