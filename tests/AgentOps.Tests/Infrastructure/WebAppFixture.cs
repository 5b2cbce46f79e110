using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AgentOps.Tests.Infrastructure;

/// <summary>
/// The real front door (Program) with a co-hosted silo on a throwaway PostgreSQL database. A fixture that needs other
/// settings derives and adds them in <see cref="Configure"/>.
/// </summary>
public class WebAppFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    private string _connectionString = "";

    /// <summary>The throwaway database behind the front door, for tests that must look at (or tamper with) rows.</summary>
    public string ConnectionString => _connectionString;

    /// <summary>The co-hosted silo's grains, for tests that arrange state below the HTTP API.</summary>
    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>Names the fixture's database and cluster.</summary>
    protected virtual string Name => "http";

    /// <summary>Settings of a derived fixture, on top of these.</summary>
    protected virtual void Configure(IWebHostBuilder builder)
    {
    }

    public async Task InitializeAsync()
    {
        _connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync(Name);
        using var warmUp = CreateClient();
        (await warmUp.GetAsync("/health")).EnsureSuccessStatusCode();
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("AgentOps:Postgres", _connectionString);
        builder.UseSetting("AgentOps:Cluster:Membership", "Localhost");
        builder.UseClusterTls();
        builder.UseSetting("AgentOps:Cluster:ClusterId", $"{Name}-{Guid.NewGuid():N}");
        builder.UseSetting("AgentOps:Cluster:SiloPort", TestPorts.Free().ToString());
        builder.UseSetting("AgentOps:Cluster:GatewayPort", TestPorts.Free().ToString());
        builder.UseSetting("AgentOps:Security:BcryptWorkFactor", "4");
        builder.UseSetting("AgentOps:Bookstore:HealthCheckPeriod", "00:00:05");
        // Tests compare the last reconciliation before and after an action: no reminder may run one in between.
        builder.UseSetting("AgentOps:Bookstore:ReconciliationPeriod", "01:00:00");
        Configure(builder);
    }

    public HttpClient As(string email, string password)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{email}:{password}")));
        return client;
    }

    public HttpClient Admin() => As("admin@bookstore.com", "admin123");

    public HttpClient Alice() => As("alice@customer.com", "alice123");

    public HttpClient Service()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AgentOps.Hosting.SecurityOptions.DevelopmentServiceToken);
        return client;
    }
}

[CollectionDefinition(Name)]
public sealed class WebAppCollection : ICollectionFixture<WebAppFixture>
{
    public const string Name = "web app";
}
