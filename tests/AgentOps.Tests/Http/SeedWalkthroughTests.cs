using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentOps.Tests.Infrastructure;

namespace AgentOps.Tests.Http;

/// <summary>The seed's curl walkthrough, request by request.</summary>
[Collection(WebAppCollection.Name)]
public sealed class SeedWalkthroughTests(WebAppFixture app)
{
    [Fact]
    public async Task Login_books_order_orders_stock_update_and_reconcile_work_as_in_the_seed()
    {
        var anonymous = app.CreateClient();
        var login = await anonymous.PostAsJsonAsync("/store/auth/login", new { email = "alice@customer.com", password = "alice123" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var user = await login.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("CUSTOMER", user.GetProperty("role").GetString());
        Assert.Equal("alice@customer.com", user.GetProperty("email").GetString());

        var books = await anonymous.GetFromJsonAsync<JsonElement>("/store/books");
        var gatsby = books.EnumerateArray().Single(b => b.GetProperty("title").GetString() == "The Great Gatsby");
        Assert.Equal(JsonValueKind.Number, gatsby.GetProperty("price").ValueKind);
        Assert.Equal(10.99m, gatsby.GetProperty("price").GetDecimal());
        var bookId = gatsby.GetProperty("id").GetString();
        var before = gatsby.GetProperty("total_inventory").GetInt32();
        Assert.Equal(200, before);
        Assert.Equal(200, gatsby.GetProperty("availableStock").GetInt32());

        var alice = app.Alice();
        var placed = await alice.PostAsJsonAsync("/store/orders", new { items = new[] { new { bookId, quantity = 2 } }, payment = new { method = "credit_card", amount = 21.98m } });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var order = await placed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("SHIPPED", order.GetProperty("status").GetString());
        Assert.Equal(21.98m, order.GetProperty("total_amount").GetDecimal());
        var orderId = order.GetProperty("id").GetString();
        var warehouse = order.GetProperty("warehouse").GetString();

        var mine = await alice.GetFromJsonAsync<JsonElement>("/store/orders");
        Assert.Contains(mine.EnumerateArray(), o => o.GetProperty("id").GetString() == orderId);
        var inventory = await anonymous.GetFromJsonAsync<JsonElement>($"/store/inventory/books/{bookId}");
        Assert.Equal(198, inventory.GetProperty("total_inventory").GetInt32());

        var staff = app.As($"staff@warehouse-{warehouse}.com", "staff123");
        var patched = await staff.PatchAsJsonAsync($"/warehouses/{warehouse}/inventory/{bookId}", new { quantity = 50 });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var stock = await anonymous.GetFromJsonAsync<JsonElement>($"/warehouses/{warehouse}/inventory/{bookId}");
        Assert.Equal(50, stock.GetProperty("quantity").GetInt32());

        var reconcile = await app.Admin().PostAsync("/store/inventory/reconcile", null);
        Assert.Equal(HttpStatusCode.OK, reconcile.StatusCode);
        var report = await reconcile.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("alpha", report.GetProperty("warehouses_checked").EnumerateArray().Select(w => w.GetString()));
        Assert.Equal(0, report.GetProperty("drift_count").GetInt32());
    }

    [Fact]
    public async Task The_same_idempotency_key_returns_the_same_order()
    {
        var alice = app.Alice();
        var books = await alice.GetFromJsonAsync<JsonElement>("/store/books");
        var bookId = books.EnumerateArray().Single(b => b.GetProperty("title").GetString() == "1984").GetProperty("id").GetString();
        var key = Guid.NewGuid().ToString();

        async Task<string?> PlaceAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/store/orders") { Content = JsonContent.Create(new { items = new[] { new { bookId, quantity = 1 } } }) };
            request.Headers.Add("Idempotency-Key", key);
            var response = await alice.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        }

        Assert.Equal(await PlaceAsync(), await PlaceAsync());
    }

    [Fact]
    public async Task Another_customers_order_is_forbidden_and_the_admin_sees_it()
    {
        var register = await app.CreateClient().PostAsJsonAsync("/store/auth/register", new { email = $"bob-{Guid.NewGuid():N}@customer.com", password = "bobpass1", name = "Bob" });
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        var bob = app.As((await register.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("email").GetString()!, "bobpass1");
        var books = await bob.GetFromJsonAsync<JsonElement>("/store/books");
        var bookId = books.EnumerateArray().First().GetProperty("id").GetString();
        var placed = await bob.PostAsJsonAsync("/store/orders", new { items = new[] { new { bookId, quantity = 1 } } });
        var orderId = (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var asAlice = await app.Alice().GetAsync($"/store/orders/{orderId}");
        Assert.Equal(HttpStatusCode.Forbidden, asAlice.StatusCode);
        Assert.Equal("auth.forbidden", (await asAlice.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.Admin().GetAsync($"/store/orders/{orderId}")).StatusCode);
    }

    [Fact]
    public async Task Health_and_openapi_are_served()
    {
        var client = app.CreateClient();
        var health = await client.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal("ok", health.GetProperty("storage").GetString());
        var openApi = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/store/orders", out _));
    }
}
