using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AgentOps.Observability;
using AgentOps.Tests.Infrastructure;
using AgentOps.Web.Http;
using Microsoft.AspNetCore.Http;

namespace AgentOps.Tests.Http;

/// <summary>/metrics needs the scrape token when one is configured (issue 9, item 6).</summary>
[Collection(GuardedWebAppCollection.Name)]
public sealed class MetricsAccessTests(GuardedWebAppFixture app)
{
    [Fact]
    public async Task With_a_configured_token_metrics_need_it_even_from_an_admin_or_loopback()
    {
        var anonymous = await app.From("127.0.0.1").GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("auth.missing_credentials", (await anonymous.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());

        var admin = await app.Admin().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, admin.StatusCode);

        var wrong = app.From(GuardedWebAppFixture.NewIp());
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");
        var refused = await wrong.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("auth.invalid_token", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());

        var scraper = app.From(GuardedWebAppFixture.NewIp());
        scraper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GuardedWebAppFixture.MetricsToken);
        var scraped = await scraper.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("agentops_approvals_waiting", await scraped.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("127.0.0.1", StatusCodes.Status200OK)]
    [InlineData("::1", StatusCodes.Status200OK)]
    [InlineData("10.0.0.7", StatusCodes.Status403Forbidden)]
    public async Task Without_a_token_only_loopback_is_served(string address, int status)
    {
        var served = false;
        var guard = new MetricsGuard(_ => { served = true; return Task.CompletedTask; }, new ObservabilityOptions());
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);

        await guard.InvokeAsync(context);

        Assert.Equal(status == StatusCodes.Status200OK, served);
        Assert.Equal(status, context.Response.StatusCode);
    }
}
