using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AgentOps.Agents;
using AgentOps.Agents.Planning;
using AgentOps.Hosting;
using AgentOps.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentOps.Tests.Infrastructure;

/// <summary>
/// The real front door with small abuse limits, so that limit tests run fast without starving the shared
/// <see cref="WebAppFixture"/>. Requests may name their client address in <see cref="ClientIpHeader"/>, so each test
/// gets a rate-limit partition of its own; prompts containing <see cref="HoldMarker"/> keep their run busy (the
/// planner waits) until the fixture is disposed.
/// </summary>
public sealed class GuardedWebAppFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string ClientIpHeader = "X-Test-Client-Ip";
    public const string HoldMarker = "[hold]";
    public const string MetricsToken = "test-metrics-scrape-token";

    public const int MaxActiveRunsPerUser = 3;
    public const int MaxPendingApprovalsPerUser = 2;
    public const int LoginPermitLimit = 4;
    public const int RegisterPermitLimit = 3;
    public const int LockoutThreshold = 3;
    public static readonly TimeSpan StampRecheckInterval = TimeSpan.FromSeconds(5);

    private string _connectionString = "";

    /// <summary>Counts the password checks and hashes the silo does.</summary>
    public CountingPasswordHasher Hasher { get; } = new(new BcryptPasswordHasher(Options.Create(new SecurityOptions { BcryptWorkFactor = 4 })));
    private readonly CancellationTokenSource _release = new();

    public async Task InitializeAsync()
    {
        _connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("guarded");
        using var warmUp = CreateClient();
        (await warmUp.GetAsync("/health")).EnsureSuccessStatusCode();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await _release.CancelAsync();
        await DisposeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("AgentOps:Postgres", _connectionString);
        builder.UseSetting("AgentOps:Cluster:Membership", "Localhost");
        builder.UseClusterTls();
        builder.UseSetting("AgentOps:Cluster:ClusterId", $"guarded-{Guid.NewGuid():N}");
        builder.UseSetting("AgentOps:Cluster:SiloPort", TestPorts.Free().ToString());
        builder.UseSetting("AgentOps:Cluster:GatewayPort", TestPorts.Free().ToString());
        builder.UseSetting("AgentOps:Security:BcryptWorkFactor", "4");
        builder.UseSetting("AgentOps:Agents:StepTimeout", "00:10:00");
        builder.UseSetting("AgentOps:Agents:MaxActiveRunsPerUser", MaxActiveRunsPerUser.ToString());
        builder.UseSetting("AgentOps:Agents:MaxPendingApprovalsPerUser", MaxPendingApprovalsPerUser.ToString());
        builder.UseSetting("AgentOps:RateLimits:LoginPermitLimit", LoginPermitLimit.ToString());
        builder.UseSetting("AgentOps:RateLimits:LoginWindow", "00:10:00");
        builder.UseSetting("AgentOps:RateLimits:RegisterPermitLimit", RegisterPermitLimit.ToString());
        builder.UseSetting("AgentOps:RateLimits:RegisterWindow", "00:10:00");
        builder.UseSetting("AgentOps:Security:LockoutThreshold", LockoutThreshold.ToString());
        builder.UseSetting("AgentOps:Security:LockoutDuration", "00:00:03");
        builder.UseSetting("AgentOps:Security:MaxLockoutDuration", "00:00:12");
        builder.UseSetting("AgentOps:Security:CookieRevalidationInterval", "00:00:00.100");
        // Long enough that a request right after a change made elsewhere still meets the reused stamp.
        builder.UseSetting("AgentOps:Security:StampRecheckInterval", StampRecheckInterval.ToString());
        builder.UseSetting("AgentOps:Observability:MetricsToken", MetricsToken);
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<IStartupFilter>(new ClientAddressFromHeader());
            services.AddSingleton<IAgentBrain>(new HoldingBrain(_release.Token));
            services.AddSingleton<IPasswordHasher>(Hasher);
        });
    }

    /// <summary>A client whose requests come from <paramref name="ip"/> (a rate-limit partition of the test's own).</summary>
    public HttpClient From(string ip, WebApplicationFactoryClientOptions? options = null)
    {
        var client = CreateClient(options ?? new WebApplicationFactoryClientOptions());
        client.DefaultRequestHeaders.Add(ClientIpHeader, ip);
        return client;
    }

    /// <summary>A fresh address for a test, so that rate limits of other tests never apply.</summary>
    public static string NewIp() => $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";

    public HttpClient As(string email, string password, string? ip = null)
    {
        var client = From(ip ?? NewIp());
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{email}:{password}")));
        return client;
    }

    public HttpClient Admin() => As("admin@bookstore.com", "admin123");

    public sealed class CountingPasswordHasher(IPasswordHasher inner) : IPasswordHasher
    {
        private int _verifications;
        private int _hashes;

        public int Verifications => Volatile.Read(ref _verifications);

        public int Hashes => Volatile.Read(ref _hashes);

        public string Hash(string password)
        {
            Interlocked.Increment(ref _hashes);
            return inner.Hash(password);
        }

        public bool Verify(string password, string? hash)
        {
            Interlocked.Increment(ref _verifications);
            return inner.Verify(password, hash);
        }
    }

    /// <summary>Test-only: the connection's remote address as the request names it.</summary>
    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[ClientIpHeader], out var address)) context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    /// <summary>The built-in planners, except that a prompt with <see cref="HoldMarker"/> keeps its run thinking.</summary>
    private sealed class HoldingBrain(CancellationToken release) : IAgentBrain
    {
        private readonly BuiltInBrain _builtIn = new();

        public async Task<AgentDecision> DecideAsync(IAgent agent, AgentContext context, CancellationToken cancellationToken)
        {
            if (context.Prompt.Contains(HoldMarker, StringComparison.Ordinal))
            {
                using var either = CancellationTokenSource.CreateLinkedTokenSource(release, cancellationToken);
                await Task.Delay(Timeout.Infinite, either.Token);
            }
            return await _builtIn.DecideAsync(agent, context, cancellationToken);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GuardedWebAppCollection : ICollectionFixture<GuardedWebAppFixture>
{
    public const string Name = "guarded web app";
}
