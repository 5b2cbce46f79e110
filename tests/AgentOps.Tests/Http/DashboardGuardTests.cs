using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentOps.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentOps.Tests.Http;

/// <summary>The Orleans Dashboard's own routes answer bad input with a 4xx, never a 500 (issue 9, item 6).</summary>
[Collection(WebAppCollection.Name)]
public sealed class DashboardGuardTests(WebAppFixture app)
{
    [Theory]
    [InlineData("/dashboard/HistoricalStats/x")]
    [InlineData("/dashboard/HistoricalStats/")]
    [InlineData("/dashboard/SiloProperties/x")]
    [InlineData("/dashboard/SiloMetadata/x")]
    [InlineData("/dashboard/SiloStats/x")]
    [InlineData("/dashboard/SiloCounters/x")]
    [InlineData("/dashboard/SiloCounters/127.0.0.1:notaport@1")]
    public async Task A_path_without_a_silo_address_is_a_400_for_an_admin(string path)
    {
        var response = await app.Admin().GetAsync(path);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("validation.invalid_silo_address", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task A_real_silo_address_still_gets_its_statistics()
    {
        var hosts = await app.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        var silo = Uri.EscapeDataString(hosts.Keys.First().ToParsableString());

        Assert.Equal(HttpStatusCode.OK, (await app.Admin().GetAsync($"/dashboard/HistoricalStats/{silo}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Admin().GetAsync($"/dashboard/SiloCounters/{silo}")).StatusCode);
    }

    [Fact]
    public async Task The_dashboard_still_needs_an_admin()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Alice().GetAsync("/dashboard/HistoricalStats/x")).StatusCode);
    }
}
