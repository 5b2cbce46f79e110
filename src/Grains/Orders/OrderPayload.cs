using System.Text.Json;

namespace AgentOps.Orders;

/// <summary>The accepted order as stored in its row (JSON), to rebuild a PENDING order after a crash.</summary>
public static class OrderPayload
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General);

    public static string Serialize(OrderSnapshot order) => JsonSerializer.Serialize(order, Options);

    public static OrderSnapshot Deserialize(string json) =>
        JsonSerializer.Deserialize<OrderSnapshot>(json, Options) ?? throw new JsonException("An order row holds an empty payload.");
}
