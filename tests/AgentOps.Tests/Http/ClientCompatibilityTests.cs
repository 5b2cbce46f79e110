using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentOps.Catalog;
using AgentOps.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentOps.Tests.Http;

/// <summary>
/// The fields, headers and seed user the original project's React clients read, served alongside our own
/// (issue 10): nothing of today's shape is taken away.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class ClientCompatibilityTests(WebAppFixture app)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private HttpClient Bob() => app.As("bob@customer.com", "bob123");

    [Fact]
    public async Task Bob_the_seeds_demo_customer_signs_in_and_reads_his_orders()
    {
        var login = await app.CreateClient().PostAsJsonAsync("/store/auth/login", new { email = "bob@customer.com", password = "bob123" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var user = await login.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("bob@customer.com", user.GetProperty("email").GetString());
        Assert.Equal("CUSTOMER", user.GetProperty("role").GetString());

        Assert.Equal(HttpStatusCode.OK, (await Bob().GetAsync("/store/orders")).StatusCode);
    }

    [Fact]
    public async Task Orders_and_their_items_carry_the_camelCase_fields_of_the_original_clients_next_to_the_snake_case_ones()
    {
        var scenario = new Scenario(app.Services.GetRequiredService<IGrainFactory>());
        var book = await scenario.BookAsync(price: 12.50m);
        await scenario.WarehouseAsync("orders", (book.Id, 10));

        var placed = await Bob().PostAsJsonAsync("/store/orders", new { items = new[] { new { bookId = book.Id, quantity = 3 } } });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var created = await placed.Content.ReadFromJsonAsync<JsonElement>();
        var orderId = created.GetProperty("id").GetString()!;

        var mine = await Bob().GetFromJsonAsync<JsonElement>("/store/orders");
        var listed = mine.EnumerateArray().Single(o => o.GetProperty("id").GetString() == orderId);
        var single = await Bob().GetFromJsonAsync<JsonElement>($"/store/orders/{orderId}");
        foreach (var order in new[] { created, listed, single })
        {
            Assert.Equal(JsonValueKind.Number, order.GetProperty("totalAmount").ValueKind);
            Assert.Equal(37.50m, order.GetProperty("totalAmount").GetDecimal());
            Assert.Equal(37.50m, order.GetProperty("total_amount").GetDecimal());
            Assert.Equal(order.GetProperty("created_at").GetString(), order.GetProperty("createdAt").GetString());
            Assert.True(DateTimeOffset.TryParse(order.GetProperty("createdAt").GetString(), out _));

            var item = Assert.Single(order.GetProperty("items").EnumerateArray());
            Assert.Equal(book.Title, item.GetProperty("bookTitle").GetString());
            Assert.Equal(book.Title, item.GetProperty("title").GetString());
            Assert.Equal(JsonValueKind.Number, item.GetProperty("priceAtPurchase").ValueKind);
            Assert.Equal(12.50m, item.GetProperty("priceAtPurchase").GetDecimal());
            Assert.Equal(12.50m, item.GetProperty("unit_price").GetDecimal());
            Assert.Equal(book.Id.ToString(), item.GetProperty("bookId").GetString());
            Assert.Equal(3, item.GetProperty("quantity").GetInt32());
        }

        // The line id is the same on every read and differs from the book id and from the same book's line in another order.
        var lineIds = new[] { created, listed, single }.Select(o => o.GetProperty("items")[0].GetProperty("id").GetString()).Distinct().ToList();
        var lineId = Assert.Single(lineIds);
        Assert.True(Guid.TryParse(lineId, out var parsed) && parsed != Guid.Empty && parsed != book.Id);
        var again = await (await Bob().PostAsJsonAsync("/store/orders", new { items = new[] { new { bookId = book.Id, quantity = 1 } } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.NotEqual(lineId, again.GetProperty("items")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Warehouses_carry_lastSeen_next_to_last_seen()
    {
        var admin = app.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/store/warehouses/health-check", null)).StatusCode);

        var warehouses = await admin.GetFromJsonAsync<JsonElement>("/store/warehouses");
        var alpha = warehouses.EnumerateArray().Single(w => w.GetProperty("name").GetString() == "alpha");
        Assert.Equal(JsonValueKind.String, alpha.GetProperty("lastSeen").ValueKind);
        Assert.Equal(alpha.GetProperty("last_seen").GetString(), alpha.GetProperty("lastSeen").GetString());
        Assert.True(DateTimeOffset.TryParse(alpha.GetProperty("lastSeen").GetString(), out _));
        Assert.All(warehouses.EnumerateArray(), w => Assert.Equal(w.GetProperty("last_seen").ToString(), w.GetProperty("lastSeen").ToString()));
    }

    [Fact]
    public async Task Books_carry_publishedYear_next_to_publication_year()
    {
        var anonymous = app.CreateClient();
        var gatsbyId = SeedCatalog.IdFor("978-0743273565");
        var books = await anonymous.GetFromJsonAsync<JsonElement>("/store/books");
        var listed = books.EnumerateArray().Single(b => b.GetProperty("id").GetString() == gatsbyId.ToString());
        var single = await anonymous.GetFromJsonAsync<JsonElement>($"/store/books/{gatsbyId}");
        foreach (var book in new[] { listed, single })
        {
            Assert.Equal(1925, book.GetProperty("publishedYear").GetInt32());
            Assert.Equal(1925, book.GetProperty("publication_year").GetInt32());
        }
    }

    [Fact]
    public async Task Warehouse_info_says_active_while_reachable_and_names_the_store_it_is_registered_with()
    {
        var name = $"w{Guid.NewGuid():N}"[..12];
        var registered = await app.Service().PostAsJsonAsync("/store/warehouses/register", new { name, url = $"http://localhost/warehouses/{name}" });
        Assert.True(registered.IsSuccessStatusCode);
        var anonymous = app.CreateClient();

        var info = await anonymous.GetFromJsonAsync<JsonElement>($"/warehouses/{name}/info");
        Assert.Equal(name, info.GetProperty("name").GetString());
        Assert.Equal("active", info.GetProperty("status").GetString());
        Assert.Equal("http://localhost:8080/store", info.GetProperty("registeredWith").GetString());
        // What the store's own health check last found, as "status" says in GET /store/warehouses (checks run every 5 s here).
        Assert.Contains(info.GetProperty("health").GetString(), new[] { "UNKNOWN", "HEALTHY" });

        Assert.Equal(HttpStatusCode.OK, (await app.Admin().PostAsJsonAsync($"/warehouses/{name}/faults", new { type = "offline" })).StatusCode);
        var offline = await anonymous.GetFromJsonAsync<JsonElement>($"/warehouses/{name}/info");
        Assert.Equal("offline", offline.GetProperty("status").GetString());
        Assert.Equal("http://localhost:8080/store", offline.GetProperty("registeredWith").GetString());

        Assert.Equal(HttpStatusCode.OK, (await app.Admin().DeleteAsync($"/warehouses/{name}/faults")).StatusCode);
        Assert.Equal("active", (await anonymous.GetFromJsonAsync<JsonElement>($"/warehouses/{name}/info")).GetProperty("status").GetString());
    }

    public static TheoryData<string, string, string, string?, HttpStatusCode, string> Errors() => new()
    {
        { "unknown route", "GET", "/store/nowhere", null, HttpStatusCode.NotFound, "resource.not_found" },
        { "unknown order", "GET", $"/store/orders/{Guid.Empty}", null, HttpStatusCode.NotFound, "resource.not_found" },
        { "validation", "POST", "/store/orders", "{\"items\":[]}", HttpStatusCode.BadRequest, "validation.empty_items" },
        { "malformed JSON", "POST", "/store/orders", "{bad", HttpStatusCode.BadRequest, "validation.invalid_json" },
        { "wrong role", "POST", "/store/books", "{}", HttpStatusCode.Forbidden, "auth.forbidden" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Every_error_body_carries_error_with_the_message_next_to_error_code(string because, string method, string path, string? body, HttpStatusCode status, string code)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await Bob().SendAsync(request);
        Assert.True(status == response.StatusCode, because);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, error.GetProperty("error_code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(error.GetProperty("message").GetString(), error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_error_schema_of_the_OpenAPI_document_has_the_error_field()
    {
        var document = await app.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var properties = document.GetProperty("components").GetProperty("schemas").GetProperty("ApiError").GetProperty("properties");
        Assert.True(properties.TryGetProperty("error", out _));
        Assert.True(properties.TryGetProperty("error_code", out _));
        Assert.True(properties.TryGetProperty("message", out _));
    }

    [Fact]
    public async Task A_wrong_password_gets_a_401_without_a_challenge_so_browsers_do_not_hold_the_request()
    {
        var wrong = await app.As("bob@customer.com", "not-bobs").GetAsync("/store/orders");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Empty(wrong.Headers.WwwAuthenticate);
        var error = await wrong.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("auth.invalid_credentials", error.GetProperty("error_code").GetString());
        Assert.Equal("E-mail or password is wrong.", error.GetProperty("error").GetString());

        var malformed = app.CreateClient();
        malformed.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "not base64!");
        var bad = await malformed.GetAsync("/store/orders");
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Empty(bad.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task A_request_without_credentials_gets_the_basic_challenge()
    {
        var response = await app.CreateClient().GetAsync("/store/orders");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Basic", challenge.Scheme);
        Assert.Equal("auth.missing_credentials", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task Each_event_of_the_stream_names_the_agent_type_of_the_run_that_produced_it()
    {
        var warehouse = $"w{Guid.NewGuid():N}"[..12];
        Assert.True((await app.Service().PostAsJsonAsync("/store/warehouses/register", new { name = warehouse, url = $"http://localhost/warehouses/{warehouse}" })).IsSuccessStatusCode);
        var admin = app.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/warehouses/{warehouse}/faults", new { type = "offline" })).StatusCode);
        var started = await (await admin.PostAsJsonAsync("/agents/runs", new { prompt = $"Warehouse {warehouse} is offline. Bring it back online." }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var runId = started.GetProperty("id").GetString()!;
        await Scenario.EventuallyAsync(async () =>
            (await admin.GetFromJsonAsync<JsonElement>($"/agents/runs/{runId}")).GetProperty("pending_tool").ValueKind == JsonValueKind.Object,
            Patience, "the child's restart waits for approval");

        // Replayed events come first; after the approval the rest arrive live.
        using var stream = await admin.GetStreamAsync($"/agents/runs/{runId}/events");
        using var reader = new StreamReader(stream);
        using var timeout = new CancellationTokenSource(Patience);
        var events = new List<JsonElement>();
        var approved = false;
        string? name = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line["event: ".Length..];
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            if (name == "done") break;
            var data = JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
            events.Add(data);
            if (!approved && data.GetProperty("type").GetString() == "RUN_SUSPENDED" && data.GetProperty("source_run_id").GetString() != runId)
            {
                approved = true;
                Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/agents/runs/{runId}/resume", new { decision = "approved" })).StatusCode);
            }
        }

        Assert.True(approved, "the replay contained the child's suspension");
        var sources = events.Select(e => e.GetProperty("source_run_id").GetString()!).Distinct().ToList();
        Assert.Equal(2, sources.Count);
        var agentTypes = new Dictionary<string, string>();
        foreach (var source in sources)
        {
            agentTypes[source] = (await admin.GetFromJsonAsync<JsonElement>($"/agents/runs/{source}")).GetProperty("agent_type").GetString()!;
        }
        Assert.Equal("orchestrator", agentTypes[runId]);
        Assert.Equal("warehouse-ops", agentTypes[sources.Single(s => s != runId)]);
        Assert.All(events, e => Assert.Equal(agentTypes[e.GetProperty("source_run_id").GetString()!], e.GetProperty("source_agent_type").GetString()));

        // The run's own journal says the same.
        var run = await admin.GetFromJsonAsync<JsonElement>($"/agents/runs/{runId}");
        Assert.All(run.GetProperty("events").EnumerateArray(), e => Assert.Equal("orchestrator", e.GetProperty("source_agent_type").GetString()));
    }
}
