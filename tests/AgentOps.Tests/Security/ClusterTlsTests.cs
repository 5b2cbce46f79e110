using AgentOps.Hosting;
using AgentOps.Hosting.Tls;
using AgentOps.Tests.Infrastructure;
using AgentOps.Users;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentOps.Tests.Security;

/// <summary>
/// A real silo with the production transport settings: only clients holding a certificate from the cluster's
/// authority get through its gateway. The attacker of issue 9 was a plain Orleans client on the gateway port.
/// </summary>
public sealed class ClusterTlsTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly string _clusterId = $"tls-{Guid.NewGuid():N}"[..20];
    private readonly int _siloPort = TestPorts.Free();
    private readonly int _gatewayPort = TestPorts.Free();
    private IHost _silo = null!;

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(Common().Concat(TestCertificates.Settings()).Concat(
        [
            new("AgentOps:Cluster:SiloPort", _siloPort.ToString()),
            new("AgentOps:Storage:Provider", nameof(StorageProvider.Memory)),
            new("AgentOps:Security:BcryptWorkFactor", "4"),
        ]));
        builder.UseOrleans(silo => silo.AddAgentOpsSilo(builder.Configuration));
        _silo = builder.Build();
        await _silo.StartAsync().WaitAsync(Limit);
    }

    public async Task DisposeAsync()
    {
        await _silo.StopAsync();
        _silo.Dispose();
    }

    [Fact]
    public async Task A_plain_Orleans_client_without_a_certificate_is_refused_and_cannot_create_an_admin()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.UseOrleansClient(client =>
        {
            client.UseLocalhostClustering(_gatewayPort, _clusterId, _clusterId);
            // Report the first refusal instead of waiting for a gateway that will never accept this client.
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
        });
        using var rogue = builder.Build();

        var refused = await Record.ExceptionAsync(async () =>
        {
            await rogue.StartAsync().WaitAsync(Limit);
            await rogue.Services.GetRequiredService<IClusterClient>().GetGrain<IUserGrain>("mallory@evil.example")
                .RegisterAsync(new NewUser("mallory@evil.example", "mallory123", "Mallory", UserRole.StoreAdmin, null)).WaitAsync(Limit);
        });

        Assert.NotNull(refused);
        Assert.IsNotType<TimeoutException>(refused);
        await using var trusted = await ConnectAsync(TestCertificates.Settings());
        Assert.Null(await trusted.Client.GetGrain<IUserGrain>("mallory@evil.example").GetAsync());
    }

    [Fact]
    public async Task A_client_whose_certificate_comes_from_another_authority_is_refused()
    {
        var elsewhere = Path.Combine(Path.GetTempPath(), $"agentops-other-ca-{Guid.NewGuid():N}");
        try
        {
            var (authority, member, _) = ClusterCertificates.EnsureWritten(elsewhere);
            var refused = await Record.ExceptionAsync(async () =>
            {
                await using var impostor = await ConnectAsync(
                [
                    new("AgentOps:Cluster:Tls:CertificatePath", member),
                    new("AgentOps:Cluster:Tls:AuthorityPath", authority),
                ]);
                await impostor.Client.GetGrain<IUserGrain>("admin@bookstore.com").GetAsync().WaitAsync(Limit);
            });
            Assert.NotNull(refused);
            Assert.IsNotType<TimeoutException>(refused);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public async Task A_client_with_the_cluster_certificate_reaches_grains_over_TLS()
    {
        await using var trusted = await ConnectAsync(TestCertificates.Settings());

        var admin = await trusted.Client.GetGrain<IUserGrain>("admin@bookstore.com").GetAsync().WaitAsync(Limit);

        Assert.Equal(UserRole.StoreAdmin, admin!.Role);
    }

    [Fact]
    public void Turning_TLS_off_on_a_non_loopback_address_refuses_to_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            ClusterTlsExtensions.EnsureSafe(new ClusterTlsOptions { Enabled = false }, System.Net.IPAddress.Parse("10.1.2.3")));
        Assert.Contains("would accept any client", error.Message);
        ClusterTlsExtensions.EnsureSafe(new ClusterTlsOptions { Enabled = false }, System.Net.IPAddress.Loopback);
    }

    private IEnumerable<KeyValuePair<string, string?>> Common() =>
    [
        new("AgentOps:Cluster:Membership", nameof(MembershipProvider.Localhost)),
        new("AgentOps:Cluster:ClusterId", _clusterId),
        new("AgentOps:Cluster:ServiceId", _clusterId),
        new("AgentOps:Cluster:GatewayPort", _gatewayPort.ToString()),
        new("AgentOps:Cluster:ClientConnectTimeout", "00:00:05"),
    ];

    /// <summary>The web tier's own client configuration (AddAgentOpsClient) with the given TLS settings.</summary>
    private async Task<ConnectedClient> ConnectAsync(IEnumerable<KeyValuePair<string, string?>> tls)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(Common().Concat(tls).Append(new("AgentOps:Storage:Provider", nameof(StorageProvider.Memory))));
        builder.UseOrleansClient(client => client.AddAgentOpsClient(builder.Configuration));
        var host = builder.Build();
        try
        {
            await host.StartAsync().WaitAsync(Limit);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new ConnectedClient(host);
    }

    private sealed class ConnectedClient(IHost host) : IAsyncDisposable
    {
        public IClusterClient Client => host.Services.GetRequiredService<IClusterClient>();

        public async ValueTask DisposeAsync()
        {
            try { await host.StopAsync(TimeSpan.FromSeconds(5)); } catch (Exception) { }
            host.Dispose();
        }
    }
}
