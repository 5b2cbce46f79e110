using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentOps.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AgentOps.Tests.Ui;

/// <summary>The real Program on Kestrel (a browser needs a socket), co-hosting a silo on a throwaway database.</summary>
/// <param name="configure">Test-only additions to the host, such as a page served on the same origin.</param>
internal sealed class UiApp(Action<IWebHostBuilder>? configure = null) : WebApplicationFactory<Program>
{
    private string _connectionString = "";
    private readonly int _port = TestPorts.Free();

    public string BaseUrl => $"http://127.0.0.1:{_port}";

    public HttpClient Admin { get; private set; } = null!;

    public async Task StartAsync()
    {
        _connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("ui");
        UseKestrel(_port);
        StartServer();
        Admin = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin@bookstore.com:admin123")));
        (await Admin.GetAsync("/health")).EnsureSuccessStatusCode();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("AgentOps:Postgres", _connectionString);
        builder.UseSetting("AgentOps:Cluster:Membership", "Localhost");
        builder.UseClusterTls();
        builder.UseSetting("AgentOps:Cluster:ClusterId", $"ui-{Guid.NewGuid():N}");
        builder.UseSetting("AgentOps:Cluster:SiloPort", TestPorts.Free().ToString());
        builder.UseSetting("AgentOps:Cluster:GatewayPort", TestPorts.Free().ToString());
        builder.UseSetting("AgentOps:Security:BcryptWorkFactor", "4");
        configure?.Invoke(builder);
    }

    public async Task<string> OfflineWarehouseAsync()
    {
        var name = $"w{Guid.NewGuid():N}"[..12];
        using var service = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        service.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AgentOps.Hosting.SecurityOptions.DevelopmentServiceToken);
        (await service.PostAsJsonAsync("/store/warehouses/register", new { name, url = $"{BaseUrl}/warehouses/{name}" })).EnsureSuccessStatusCode();
        (await Admin.PostAsJsonAsync($"/warehouses/{name}/faults", new { type = "offline" })).EnsureSuccessStatusCode();
        return name;
    }

    public async Task<string> StartRunAsync(string prompt)
    {
        var response = await Admin.PostAsJsonAsync("/agents/runs", new { prompt });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public override async ValueTask DisposeAsync()
    {
        Admin?.Dispose();
        await base.DisposeAsync();
    }
}
