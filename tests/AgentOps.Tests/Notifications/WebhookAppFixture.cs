using System.Net.Http.Headers;
using System.Text;
using AgentOps.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AgentOps.Tests.Notifications;

/// <summary>
/// The real front door with a co-hosted silo on a throwaway PostgreSQL database, its webhook dispatcher polling every
/// 100 ms and retrying after 200 ms, and plain http allowed for the local receivers.
/// </summary>
public sealed class WebhookAppFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        ConnectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("webhooks");
        using var warmUp = CreateClient();
        (await warmUp.GetAsync("/health")).EnsureSuccessStatusCode();
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("AgentOps:Postgres", ConnectionString);
        builder.UseSetting("AgentOps:Cluster:Membership", "Localhost");
        builder.UseClusterTls();
        builder.UseSetting("AgentOps:Cluster:ClusterId", $"hooks-{Guid.NewGuid():N}");
        builder.UseSetting("AgentOps:Cluster:SiloPort", TestPorts.Free().ToString());
        builder.UseSetting("AgentOps:Cluster:GatewayPort", TestPorts.Free().ToString());
        builder.UseSetting("AgentOps:Security:BcryptWorkFactor", "4");
        builder.UseSetting("AgentOps:Bookstore:HealthCheckPeriod", "00:00:05");
        builder.UseSetting("AgentOps:Webhooks:AllowPlainHttp", "true");
        builder.UseSetting("AgentOps:Webhooks:PollInterval", "00:00:00.100");
        builder.UseSetting("AgentOps:Webhooks:RetryBaseDelay", "00:00:00.200");
    }

    public HttpClient As(string email, string password)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{email}:{password}")));
        return client;
    }

    public HttpClient Admin() => As("admin@bookstore.com", "admin123");

    public HttpClient Alice() => As("alice@customer.com", "alice123");
}

[CollectionDefinition(Name)]
public sealed class WebhookAppCollection : ICollectionFixture<WebhookAppFixture>
{
    public const string Name = "webhook app";
}
