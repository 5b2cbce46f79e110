using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentOps.Tests.Infrastructure;
using AgentOps.Web.Agents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentOps.Tests.Http;

/// <summary>Per-user limits on agent runs and a complete, paged approvals inbox (issue 9, item 4).</summary>
[Collection(GuardedWebAppCollection.Name)]
public sealed class RunLimitsTests(GuardedWebAppFixture app)
{
    // The fulfillment agent serves customers (AccessRules); the marker keeps the run busy.
    private const string HeldPrompt = $"{GuardedWebAppFixture.HoldMarker} which orders failed?";

    private async Task<(HttpClient Client, string UserId)> NewCustomerAsync()
    {
        var email = $"runner-{Guid.NewGuid():N}@customer.com";
        var registered = await app.From(GuardedWebAppFixture.NewIp()).PostAsJsonAsync("/store/auth/register", new { email, password = "runner123" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var id = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        return (app.As(email, "runner123"), id);
    }

    private static async Task<JsonElement> AssertRateLimitedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("rate_limit.exceeded", error.GetProperty("error_code").GetString());
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 carries Retry-After");
        return error;
    }

    [Fact]
    public async Task A_customer_at_the_active_run_limit_gets_429_and_an_admin_is_not_limited()
    {
        var (customer, _) = await NewCustomerAsync();
        for (var i = 0; i < GuardedWebAppFixture.MaxActiveRunsPerUser; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await customer.PostAsJsonAsync("/agents/runs", new { prompt = HeldPrompt, agent_type = "fulfillment" })).StatusCode);
        }

        await AssertRateLimitedAsync(await customer.PostAsJsonAsync("/agents/runs", new { prompt = HeldPrompt, agent_type = "fulfillment" }));

        var admin = app.Admin();
        for (var i = 0; i <= GuardedWebAppFixture.MaxActiveRunsPerUser; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/agents/runs", new { prompt = HeldPrompt, agent_type = "fulfillment" })).StatusCode);
        }
    }

    [Fact]
    public async Task Concurrent_starts_by_one_customer_never_pass_the_active_run_limit()
    {
        var (customer, userId) = await NewCustomerAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            customer.PostAsJsonAsync("/agents/runs", new { prompt = HeldPrompt, agent_type = "fulfillment" })));

        Assert.Equal(GuardedWebAppFixture.MaxActiveRunsPerUser, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(12 - GuardedWebAppFixture.MaxActiveRunsPerUser, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        var listed = await app.Admin().GetFromJsonAsync<JsonElement>($"/agents/runs?user_id={userId}");
        Assert.Equal(GuardedWebAppFixture.MaxActiveRunsPerUser, listed.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_customer_with_too_many_pending_approvals_cannot_start_another_run()
    {
        var (customer, userId) = await NewCustomerAsync();
        await SeededRuns.PendingApprovalsAsync(app.Services, userId, GuardedWebAppFixture.MaxPendingApprovalsPerUser);

        var refused = await customer.PostAsJsonAsync("/agents/runs", new { prompt = "reconcile inventory", agent_type = "inventory" });

        var error = await AssertRateLimitedAsync(refused);
        Assert.Equal("max_pending_approvals", error.GetProperty("details").GetProperty("limit").GetString());
    }

    [Fact]
    public async Task The_approvals_inbox_pages_through_every_pending_call_with_the_true_total()
    {
        var admin = app.Admin();
        var seeded = await SeededRuns.PendingApprovalsAsync(app.Services, $"flood-{Guid.NewGuid():N}", 505);

        var first = await admin.GetFromJsonAsync<JsonElement>("/agents/approvals?limit=200&offset=0");
        var total = first.GetProperty("total").GetInt32();
        Assert.True(total >= 505, $"total {total} counts every pending call");
        Assert.Equal(200, first.GetProperty("limit").GetInt32());
        Assert.Equal(0, first.GetProperty("offset").GetInt32());

        var seen = new List<string>();
        for (var offset = 0; offset < total; offset += 200)
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"/agents/approvals?limit=200&offset={offset}");
            seen.AddRange(page.GetProperty("approvals").EnumerateArray().Select(a => a.GetProperty("call_id").GetString()!));
        }
        Assert.Equal(total, seen.Count);
        Assert.Equal(total, seen.Distinct().Count());
        Assert.Empty(seeded.Except(seen));

        var gauge = app.Services.GetServices<IHostedService>().OfType<ApprovalsGaugeSampler>().Single();
        Assert.Equal(total, await gauge.SampleAsync());
    }

    [Fact]
    public async Task Bad_approval_paging_is_a_400()
    {
        var admin = app.Admin();
        foreach (var query in new[] { "limit=0", "limit=501", "offset=-1" })
        {
            var response = await admin.GetAsync($"/agents/approvals?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.StartsWith("validation.invalid_", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());
        }
    }
}
