using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentOps.Catalog;
using AgentOps.Tests.Infrastructure;

namespace AgentOps.Tests.Http;

/// <summary>Every kind of bad input gets a 4xx with an error_code, and changes nothing.</summary>
[Collection(WebAppCollection.Name)]
public sealed class BadInputTests(WebAppFixture app)
{
    private static readonly string Hobbit = SeedCatalog.IdFor("978-0547928227").ToString();

    public static TheoryData<string, string, string, string, string?, string, int, string> Cases()
    {
        var order = (string items) => $"{{\"items\":{items}}}";
        var line = (string quantity) => order($"[{{\"bookId\":\"{Hobbit}\",\"quantity\":{quantity}}}]");
        var json = "application/json";
        return new()
        {
            { "malformed JSON", "POST", "/store/orders", "alice", "{bad", json, 400, "validation.invalid_json" },
            { "JSON array instead of object", "POST", "/store/orders", "alice", "[]", json, 400, "validation.invalid_json" },
            { "quantity as a string", "POST", "/store/orders", "alice", line("\"2\""), json, 400, "validation.invalid_json" },
            { "quantity beyond int", "POST", "/store/orders", "alice", line("99999999999"), json, 400, "validation.invalid_json" },
            { "bookId not a UUID", "POST", "/store/orders", "alice", order("[{\"bookId\":\"abc\",\"quantity\":1}]"), json, 400, "validation.invalid_json" },
            { "items missing", "POST", "/store/orders", "alice", "{}", json, 400, "validation.missing_field" },
            { "quantity missing", "POST", "/store/orders", "alice", order($"[{{\"bookId\":\"{Hobbit}\"}}]"), json, 400, "validation.missing_field" },
            { "items empty", "POST", "/store/orders", "alice", order("[]"), json, 400, "validation.empty_items" },
            { "zero quantity", "POST", "/store/orders", "alice", line("0"), json, 400, "validation.invalid_quantity" },
            { "negative quantity", "POST", "/store/orders", "alice", line("-5"), json, 400, "validation.invalid_quantity" },
            { "huge quantity", "POST", "/store/orders", "alice", line("1000000"), json, 400, "validation.invalid_quantity" },
            { "unknown book", "POST", "/store/orders", "alice", order($"[{{\"bookId\":\"{Guid.NewGuid()}\",\"quantity\":1}}]"), json, 400, "validation.unknown_book" },
            { "payment amount mismatch", "POST", "/store/orders", "alice", $"{{\"items\":[{{\"bookId\":\"{Hobbit}\",\"quantity\":1}}],\"payment\":{{\"method\":\"card\",\"amount\":1.00}}}}", json, 400, "validation.payment_amount_mismatch" },
            { "no credentials", "POST", "/store/orders", "none", line("1"), json, 401, "auth.missing_credentials" },
            { "wrong password", "POST", "/store/orders", "bad-password", line("1"), json, 401, "auth.invalid_credentials" },
            { "oversized body", "POST", "/store/orders", "alice", "{\"items\":[],\"pad\":\"" + new string('x', 100_000) + "\"}", json, 413, "validation.body_too_large" },
            { "wrong content type", "POST", "/store/orders", "alice", line("1"), "text/plain", 415, "validation.unsupported_media_type" },
            { "customer creates a book", "POST", "/store/books", "alice", "{\"isbn\":\"1\",\"title\":\"t\",\"author\":\"a\",\"price\":1}", json, 403, "auth.forbidden" },
            { "negative price", "POST", "/store/books", "admin", "{\"isbn\":\"x-1\",\"title\":\"t\",\"author\":\"a\",\"price\":-1}", json, 400, "validation.invalid_price" },
            { "other warehouse's staff", "PATCH", $"/warehouses/alpha/inventory/{Hobbit}", "staff-beta", "{\"quantity\":1}", json, 403, "auth.forbidden" },
            { "negative stock", "PATCH", $"/warehouses/alpha/inventory/{Hobbit}", "staff-alpha", "{\"quantity\":-1}", json, 400, "validation.invalid_quantity" },
            { "stock for an unknown book", "POST", "/warehouses/alpha/inventory", "staff-alpha", $"{{\"bookId\":\"{Guid.NewGuid()}\",\"quantity\":3}}", json, 400, "validation.unknown_book" },
            { "order id not a UUID", "GET", "/store/orders/not-a-uuid", "alice", null, json, 400, "validation.invalid_id" },
            { "unknown order", "GET", $"/store/orders/{Guid.NewGuid()}", "alice", null, json, 404, "resource.not_found" },
            { "unknown book lookup", "GET", $"/store/books/{Guid.NewGuid()}", "none", null, json, 404, "resource.not_found" },
            { "unknown warehouse", "GET", "/warehouses/nowhere/info", "none", null, json, 404, "resource.not_found" },
            { "negative limit", "GET", "/store/orders?limit=-1", "alice", null, json, 400, "validation.invalid_limit" },
            { "shipment without token", "POST", "/warehouses/alpha/shipments", "none", $"{{\"orderId\":\"{Guid.NewGuid()}\",\"items\":[]}}", json, 401, "auth.missing_credentials" },
            { "shipment with a wrong token", "POST", "/warehouses/alpha/shipments", "bad-token", $"{{\"orderId\":\"{Guid.NewGuid()}\",\"items\":[]}}", json, 401, "auth.invalid_token" },
            { "shipment of zero copies", "POST", "/warehouses/alpha/shipments", "service", $"{{\"orderId\":\"{Guid.NewGuid()}\",\"items\":[{{\"bookId\":\"{Hobbit}\",\"quantity\":0}}]}}", json, 400, "validation.invalid_quantity" },
            { "unknown fault type", "POST", "/warehouses/alpha/faults", "admin", "{\"type\":\"explode\"}", json, 400, "validation.invalid_fault_type" },
            { "customer injects a fault", "POST", "/warehouses/alpha/faults", "alice", "{\"type\":\"offline\"}", json, 403, "auth.forbidden" },
            { "registration without url", "POST", "/store/warehouses/register", "service", "{\"name\":\"gamma\"}", json, 400, "validation.invalid_url" },
            { "invalid e-mail", "POST", "/store/auth/register", "none", "{\"email\":\"not-an-email\",\"password\":\"secret12\"}", json, 400, "validation.invalid_email" },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_a_4xx_with_an_error_code_and_changes_nothing(
        string why, string method, string path, string auth, string? body, string contentType, int status, string errorCode)
    {
        var before = await SettledSnapshotAsync(CatalogFreshness);
        using var client = Client(auth);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);

        var response = await client.SendAsync(request);

        Assert.True(status == (int)response.StatusCode, $"{why}: expected {status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(errorCode, error.GetProperty("error_code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("request_id").GetString()));
        Assert.Equal(before, await SettledSnapshotAsync());
    }

    private HttpClient Client(string auth) => auth switch
    {
        "alice" => app.Alice(),
        "admin" => app.Admin(),
        "staff-alpha" => app.As("staff@warehouse-alpha.com", "staff123"),
        "staff-beta" => app.As("staff@warehouse-beta.com", "staff123"),
        "bad-password" => app.As("alice@customer.com", "nope"),
        "service" => app.Service(),
        "bad-token" => WithHeader(app.CreateClient(), new AuthenticationHeaderValue("Bearer", "wrong-token-value")),
        _ => app.CreateClient(),
    };

    private static HttpClient WithHeader(HttpClient client, AuthenticationHeaderValue header)
    {
        client.DefaultRequestHeaders.Authorization = header;
        return client;
    }

    /// <summary>
    /// A snapshot once two in a row agree: the read caches (catalog, available stock) catch up with what earlier tests
    /// of the collection changed a moment later, which is not this request's doing.
    /// </summary>
    /// <summary>
    /// Longer than the front door's catalog read cache keeps a snapshot (1 s): two reads this far apart that agree have
    /// seen whatever an earlier test changed through the grains directly.
    /// </summary>
    private static readonly TimeSpan CatalogFreshness = TimeSpan.FromMilliseconds(1100);

    private async Task<string> SettledSnapshotAsync(TimeSpan? gap = null)
    {
        var previous = await SnapshotAsync();
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await Task.Delay(gap ?? TimeSpan.FromMilliseconds(100));
            var current = await SnapshotAsync();
            if (current == previous) return current;
            previous = current;
        }
        return previous;
    }

    /// <summary>Everything a bad request could have changed: stock, orders, catalog, users, warehouses.</summary>
    private async Task<string> SnapshotAsync()
    {
        var admin = app.Admin();
        var parts = await Task.WhenAll(
            admin.GetStringAsync("/warehouses/alpha/inventory"),
            admin.GetStringAsync("/warehouses/beta/inventory"),
            admin.GetStringAsync("/store/orders"),
            admin.GetStringAsync("/store/books"),
            admin.GetStringAsync("/warehouses/alpha/info"),
            admin.GetAsync("/store/warehouses").ContinueWith(t => t.Result.Content.ReadAsStringAsync()).Unwrap());
        // Health fields (last_seen, latency, the health check's verdict) change on their own; compare the rest.
        using var info = JsonDocument.Parse(parts[4]);
        parts[4] = string.Join(",", info.RootElement.EnumerateObject()
            .Where(p => p.Name is not ("last_seen" or "lastSeen" or "health")).Select(p => $"{p.Name}={p.Value.GetRawText()}"));
        using var warehouses = JsonDocument.Parse(parts[5]);
        parts[5] = string.Join(",", warehouses.RootElement.EnumerateArray().Select(w => w.GetProperty("name").GetString() + ":" + w.GetProperty("url").GetString()));
        return string.Join("\n", parts);
    }
}
