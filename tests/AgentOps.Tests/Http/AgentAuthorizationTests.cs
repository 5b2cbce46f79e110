using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentOps.Catalog;
using AgentOps.Tests.Infrastructure;

namespace AgentOps.Tests.Http;

/// <summary>
/// A run acts for the person who started it, with exactly that person's rights (issue 9, item 3: a customer who got 403
/// over HTTP read another customer's order through a fulfillment run and started a reconciliation).
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class AgentAuthorizationTests(WebAppFixture app)
{
    private static readonly string Hobbit = SeedCatalog.IdFor("978-0547928227").ToString();

    [Fact]
    public async Task A_customer_cannot_read_another_customers_order_through_a_fulfillment_run()
    {
        using var victim = await NewCustomerAsync();
        var placed = await victim.PostAsJsonAsync("/store/orders", new { items = new[] { new { bookId = Hobbit, quantity = 1 } }, payment = (object?)null });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var orderId = (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var attacker = await NewCustomerAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await attacker.GetAsync($"/store/orders/{orderId}")).StatusCode);

        var run = await StartAsync(attacker, $"Order {orderId} failed, retry it", "fulfillment");
        var done = await WaitForEndAsync(attacker, run);

        var results = Events(done, "TOOL_RESULT").ToList();
        var lookup = Assert.Single(results);
        Assert.Equal("error", lookup.GetProperty("payload").GetProperty("status").GetString());
        Assert.Contains("forbidden", lookup.GetProperty("payload").GetProperty("output_data").GetProperty("error").GetString());
        var journal = done.GetRawText();
        Assert.DoesNotContain("\"user_id\":\"" + (await IdOfAsync(victim)), journal.Replace(" ", ""));
        Assert.DoesNotContain("payment", journal);
    }

    [Theory]
    [InlineData("inventory", "reconcile inventory")]
    [InlineData("log-analyzer", "why are orders failing?")]
    [InlineData("warehouse-ops", "Warehouse beta is offline. Investigate and bring it back online.")]
    public async Task A_customer_may_not_start_an_agent_their_role_does_not_serve(string agentType, string prompt)
    {
        using var customer = await NewCustomerAsync();

        var response = await customer.PostAsJsonAsync("/agents/runs", new { prompt, agent_type = agentType });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("auth.forbidden", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());
        Assert.Equal(0, (await customer.GetFromJsonAsync<JsonElement>("/agents/runs")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_orchestrator_does_not_delegate_for_a_customer_to_a_specialist_the_customer_may_not_start()
    {
        using var customer = await NewCustomerAsync();
        var lastBefore = await LastReconciliationAsync();

        var run = await StartAsync(customer, "reconcile inventory", agentType: null);
        var done = await WaitForEndAsync(customer, run);

        Assert.Empty(Events(done, "CHILD_RUN_STARTED"));
        var refused = Assert.Single(Events(done, "TOOL_RESULT"));
        Assert.Contains("forbidden", refused.GetProperty("payload").GetProperty("output_data").GetProperty("error").GetString());
        Assert.Equal(lastBefore, await LastReconciliationAsync());
    }

    [Fact]
    public async Task Warehouse_staff_may_set_stock_at_their_own_warehouse_only_and_no_approval_is_asked_for_another()
    {
        using var staff = app.As("staff@warehouse-alpha.com", "staff123");

        var other = await StartAsync(staff, "Set stock of The Hobbit at beta to 50", "inventory");
        var refused = await WaitForEndAsync(staff, other);
        Assert.Empty(Events(refused, "RUN_SUSPENDED"));
        Assert.Contains(Events(refused, "TOOL_RESULT"), r => r.GetProperty("payload").GetProperty("output_data").GetRawText().Contains("forbidden"));

        var own = await StartAsync(staff, "Set stock of The Hobbit at alpha to 50", "inventory");
        var waiting = await WaitForAsync(staff, own, r => r.GetProperty("status").GetString() == "suspended");
        Assert.Equal("set_stock", waiting.GetProperty("pending_tool").GetProperty("tool_name").GetString());
        using var admin = app.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/agents/runs/{own}/cancel", new { reason = "test over" })).StatusCode);
    }

    [Fact]
    public async Task A_role_taken_away_while_a_call_waits_for_approval_is_taken_away_from_the_run_when_it_is_approved()
    {
        var email = $"authz-{Guid.NewGuid():N}@example.com";
        var register = await app.CreateClient().PostAsJsonAsync("/store/auth/register", new { email, password = "secret123", name = "Demoted" });
        Assert.True(register.IsSuccessStatusCode, await register.Content.ReadAsStringAsync());
        using var admin = app.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/store/users/{email}/role", new { role = "STORE_ADMIN" })).StatusCode);
        using var requester = app.As(email, "secret123");

        var run = await StartAsync(requester, "Set stock of The Hobbit at alpha to 41", "inventory");
        var waiting = await WaitForAsync(requester, run, r => r.GetProperty("status").GetString() == "suspended");
        var callId = waiting.GetProperty("pending_tool").GetProperty("call_id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/store/users/{email}/role", new { role = "CUSTOMER" })).StatusCode);
        var approved = await admin.PostAsJsonAsync($"/agents/runs/{run}/resume", new { decision = "approved", call_id = callId });
        Assert.True(approved.IsSuccessStatusCode, await approved.Content.ReadAsStringAsync());

        var done = await WaitForEndAsync(admin, run);
        var result = Assert.Single(Events(done, "TOOL_RESULT"), r => r.GetProperty("payload").GetProperty("call_id").GetString() == callId);
        Assert.Equal("error", result.GetProperty("payload").GetProperty("status").GetString());
        Assert.Contains("forbidden", result.GetProperty("payload").GetProperty("output_data").GetRawText());
    }

    private async Task<string?> LastReconciliationAsync()
    {
        using var admin = app.Admin();
        var response = await admin.GetAsync("/store/inventory/reconcile/last");
        // The report itself, or "none" (a 404 differs only by its request id).
        return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : $"none ({(int)response.StatusCode})";
    }

    private static IEnumerable<JsonElement> Events(JsonElement run, string type) =>
        run.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString() == type);

    private static async Task<string> StartAsync(HttpClient client, string prompt, string? agentType)
    {
        var response = await client.PostAsJsonAsync("/agents/runs", new { prompt, agent_type = agentType });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static Task<JsonElement> WaitForEndAsync(HttpClient client, string run) =>
        WaitForAsync(client, run, r => r.GetProperty("status").GetString() is "completed" or "failed" or "cancelled");

    private static async Task<JsonElement> WaitForAsync(HttpClient client, string run, Func<JsonElement, bool> done)
    {
        JsonElement last = default;
        await Scenario.EventuallyAsync(async () =>
        {
            last = await client.GetFromJsonAsync<JsonElement>($"/agents/runs/{run}");
            return done(last);
        }, TimeSpan.FromSeconds(30), $"run {run} reaches the expected state");
        return last;
    }

    private async Task<string> IdOfAsync(HttpClient customer)
    {
        var credentials = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(customer.DefaultRequestHeaders.Authorization!.Parameter!)).Split(':');
        var login = await app.CreateClient().PostAsJsonAsync("/store/auth/login", new { email = credentials[0], password = credentials[1] });
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<HttpClient> NewCustomerAsync()
    {
        var email = $"authz-{Guid.NewGuid():N}@example.com";
        var register = await app.CreateClient().PostAsJsonAsync("/store/auth/register", new { email, password = "secret123", name = "Authz Tester" });
        Assert.True(register.IsSuccessStatusCode, await register.Content.ReadAsStringAsync());
        return app.As(email, "secret123");
    }
}
