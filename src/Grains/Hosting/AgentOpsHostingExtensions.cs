using System.Net;
using AgentOps.Catalog;
using AgentOps.Journal;
using AgentOps.Hosting.Tls;
using AgentOps.Orders;
using AgentOps.Observability;
using Orleans.Dashboard;
using AgentOps.Warehouses;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Storage;
using Orleans.Runtime;

namespace AgentOps.Hosting;

/// <summary>
/// The one place that configures the cluster. <c>src/Silo</c>, <c>src/Web</c> (co-hosted silo or client)
/// and the tests all call these, so they run the same configuration.
/// </summary>
public static class AgentOpsHostingExtensions
{
    /// <summary>How long a run stream's pub-sub grain is kept after its last event (see the silo set-up).</summary>
    public static readonly TimeSpan StreamIdleLimit = TimeSpan.FromMinutes(2);

    /// <summary>How long a pulling agent remembers an idle stream, and its events stay in the queue cache.</summary>
    public static readonly TimeSpan PullingAgentStreamIdleLimit = TimeSpan.FromSeconds(30);

    /// <summary>Orleans' pub-sub grain class (internal to Orleans.Streaming), as its collection-age setting names it.</summary>
    public const string PubSubGrainClass = "Orleans.Streams.PubSubRendezvousGrain";

    /// <summary>Binds and validates every <c>AgentOps:*</c> options class.</summary>
    public static IServiceCollection AddAgentOpsOptions(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(AgentOpsOptionsMarker)))
        {
            return services;
        }
        services.AddSingleton<AgentOpsOptionsMarker>();

        services.AddOptions<AgentOpsStorageOptions>().BindConfiguration(AgentOpsStorageOptions.Section)
            .PostConfigure(o => o.ConnectionString ??= configuration["AgentOps:Postgres"]).ValidateOnStart();
        services.AddOptions<AgentOpsClusterOptions>().BindConfiguration(AgentOpsClusterOptions.Section).ValidateOnStart();
        services.AddOptions<BookstoreOptions>().BindConfiguration(BookstoreOptions.Section).ValidateOnStart();
        services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.Section).ValidateOnStart();
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section).ValidateOnStart();
        services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section).ValidateOnStart();
        services.AddOptions<LlmOptions>().BindConfiguration(LlmOptions.Section);
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateOnStart();
        services.AddOptions<WarehouseHostingOptions>()
            .Configure(o =>
            {
                o.Names = ReadWarehouseNames(configuration);
                o.PublicUrl = configuration["AgentOps:PublicUrl"] ?? o.PublicUrl;
            });

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOpsStorageOptions>, StorageOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOpsClusterOptions>, ClusterOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BookstoreOptions>, BookstoreOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SeedOptions>, SeedOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>Configures a silo: membership, PostgreSQL storage and reminders, schema, seed data, warehouse registration.</summary>
    public static ISiloBuilder AddAgentOpsSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddAgentOpsOptions(configuration);
        CachedGrainInterfaceTypes.AddTo(silo.Services);
        var cluster = Read<AgentOpsClusterOptions>(configuration, AgentOpsClusterOptions.Section);
        var storage = Read<AgentOpsStorageOptions>(configuration, AgentOpsStorageOptions.Section);
        storage.ConnectionString ??= configuration["AgentOps:Postgres"];
        var bookstore = Read<BookstoreOptions>(configuration, BookstoreOptions.Section);
        var agentOptions = Read<AgentOptions>(configuration, AgentOptions.Section);

        if (cluster.Membership != MembershipProvider.External)
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
        }

        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = cluster.ProbeTimeout;
            o.NumMissedProbesLimit = cluster.MissedProbesLimit;
        });
        silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = cluster.DirectoryCacheSize);

        switch (cluster.Membership)
        {
            case MembershipProvider.Postgres:
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = StorageNames.Invariant;
                    o.ConnectionString = RequireConnectionString(storage);
                });
                var advertised = AdvertisedAddress(cluster.AdvertisedAddress);
                var listen = string.Equals(cluster.ListenAddress, "advertised", StringComparison.OrdinalIgnoreCase) ? advertised : IPAddress.Parse(cluster.ListenAddress);
                ClusterTlsExtensions.EnsureSafe(cluster.Tls, listen);
                silo.Configure<EndpointOptions>(o =>
                {
                    o.AdvertisedIPAddress = advertised;
                    o.SiloPort = cluster.SiloPort;
                    o.GatewayPort = cluster.GatewayPort;
                    o.SiloListeningEndpoint = new IPEndPoint(listen, cluster.SiloPort);
                    o.GatewayListeningEndpoint = new IPEndPoint(listen, cluster.GatewayPort);
                });
                break;
            case MembershipProvider.Localhost:
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
                break;
        }
        // TestCluster (External) owns its own transport; every real cluster authenticates and encrypts its connections.
        if (cluster.Membership != MembershipProvider.External && cluster.Tls.Enabled)
        {
            silo.UseAgentOpsClusterTls(cluster.Tls);
        }

        if (storage.Provider == StorageProvider.Postgres)
        {
            var connectionString = RequireConnectionString(storage);
            silo.AddAdoNetGrainStorage(StorageNames.Store, o =>
            {
                o.Invariant = StorageNames.Invariant;
                o.ConnectionString = connectionString;
            });
            // Stream subscriptions are as short-lived as the memory streams they belong to (a browser tab, an SSE
            // request): they are kept in memory, not written to PostgreSQL for every run that publishes.
            silo.AddMemoryGrainStorage(StorageNames.PubSub);
            // Grain state is written with the Orleans serializer: version-tolerant through the [Id] attributes
            // the state classes already carry, and it round-trips records and immutable collections exactly.
            foreach (var name in new[] { StorageNames.Store })
            {
                silo.Services.AddOptions<AdoNetGrainStorageOptions>(name).Configure<IServiceProvider>((o, services) =>
                    o.GrainStorageSerializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Orleans.Serialization.Serializer>()));
            }
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = StorageNames.Invariant;
                o.ConnectionString = connectionString;
            });
            silo.Services.TryAddSingleton(_ => NpgsqlDataSource.Create(connectionString));
            silo.Services.TryAddSingleton<IRunJournalStore, PostgresRunJournalStore>();
            silo.Services.TryAddSingleton<IOrderStore, PostgresOrderStore>();
            silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Orders, (services, _) => OrderRowStorageOf(services,
                legacy: services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Store)));
            silo.Services.TryAddSingleton<IWarehouseStore, PostgresWarehouseStore>();
            silo.Services.TryAddSingleton<Governance.IGovernanceStore, Governance.PostgresGovernanceStore>();
            // Webhooks: the outbox rows are written by the journal store; each silo's dispatcher sends them.
            silo.Services.TryAddSingleton<Notifications.PostgresWebhookStore>();
            silo.Services.TryAddSingleton<Notifications.IWebhookStore>(sp => sp.GetRequiredService<Notifications.PostgresWebhookStore>());
            silo.Services.AddHttpClient(Notifications.WebhookDispatcher.HttpClientName)
                .ConfigurePrimaryHttpMessageHandler(sp => Notifications.WebhookAddressGuard.CreateHandler(
                    sp.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowPrivateNetworks));
            silo.Services.AddHostedService<Notifications.WebhookDispatcher>();
        }
        else
        {
            silo.AddMemoryGrainStorage(StorageNames.Store);
            silo.AddMemoryGrainStorage(StorageNames.PubSub);
            silo.UseInMemoryReminderService();
            silo.Services.TryAddSingleton<IRunJournalStore>(sp => new InMemoryRunJournalStore(ServiceIdOf(sp)));
            silo.Services.TryAddSingleton<IOrderStore>(sp => new InMemoryOrderStore(ServiceIdOf(sp)));
            silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Orders, (services, _) => OrderRowStorageOf(services, legacy: null));
            silo.Services.TryAddSingleton<IWarehouseStore>(sp => new InMemoryWarehouseStore(ServiceIdOf(sp)));
            silo.Services.TryAddSingleton<Governance.IGovernanceStore>(sp => new Governance.InMemoryGovernanceStore(ServiceIdOf(sp)));
            silo.Services.TryAddSingleton<Notifications.IWebhookStore>(sp => new Notifications.InMemoryWebhookStore(ServiceIdOf(sp)));
        }

        // How an order's state is stored: by OrderRowStorage, and by the order grain for the row it adds with its first state.
        silo.Services.TryAddKeyedSingleton<IGrainStorageSerializer>(StorageNames.Orders,
            (services, _) => new OrleansGrainStorageSerializer(services.GetRequiredService<Orleans.Serialization.Serializer>()));

        // Seals webhook secrets and the generated action-link key, whichever storage holds them.
        silo.Services.TryAddSingleton<Notifications.WebhookSecretProtector>();

        // Agent runs: journaled grains whose log lives in the journal store; live events on streams.
        silo.AddCustomStorageBasedLogConsistencyProvider(StorageNames.Journal);
        // Run events go out on a fixed set of streams (RunStreams); the approvals feed is one more. Other streams (a
        // stream per run, as before) would come and go at the run rate, and Orleans keeps a stream's pulling-agent entry
        // for 30 idle minutes, its pub-sub grain for 15 and its cached events for up to 30: measured at ~300 runs/s,
        // 107,419 pub-sub grains after 7 minutes and the run rate falling by a quarter. So idle streams are let go
        // sooner. Subscribers read live (the SSE endpoint re-reads the journal for anything it missed).
        silo.AddMemoryStreams(StorageNames.Streams, streams =>
        {
            // Each queue read scans every stream its pulling agent remembers (2.7 % of the web process's CPU at 500
            // runs/s with a stream per run and 2 idle minutes).
            streams.ConfigurePullingAgent(agent => agent.Configure(o => o.StreamInactivityPeriod = PullingAgentStreamIdleLimit));
            streams.ConfigureCacheEviction(cache => cache.Configure(o =>
            {
                o.DataMaxAgeInCache = PullingAgentStreamIdleLimit;
                o.DataMinTimeInCache = TimeSpan.FromSeconds(15);
            }));
        });
        silo.Configure<GrainCollectionOptions>(o => o.ClassSpecificCollectionAge[PubSubGrainClass] = StreamIdleLimit);
        silo.Services.AddAgentOpsAgents(configuration);

        silo.AddActivityPropagation();
        if (configuration.ReadObservability().Dashboard)
        {
            silo.AddDashboard();
        }

        // Reminders shorter than Orleans' one-minute floor are allowed only when configured (tests, demos).
        var shortest = new[] { bookstore.HealthCheckPeriod, bookstore.ReconciliationPeriod, bookstore.OrderResumePeriod, agentOptions.ResumePeriod }.Min();
        if (shortest < TimeSpan.FromMinutes(1))
        {
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = shortest);
        }

        silo.Services.AddSingleton<SchemaMigrator>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaMigrationParticipant>();
        silo.Services.AddSingleton<BookstoreSeeder>();
        silo.Services.TryAddSingleton<Users.IPasswordHasher, Users.BcryptPasswordHasher>();
        silo.AddStartupTask((services, cancellationToken) => services.GetRequiredService<BookstoreSeeder>().SeedWithRetriesAsync(cancellationToken));
        silo.Services.AddHostedService<WarehouseAutoRegistration>();
        return silo;
    }

    /// <summary>Configures an Orleans client (the web tier when it does not co-host a silo).</summary>
    public static IClientBuilder AddAgentOpsClient(this IClientBuilder client, IConfiguration configuration)
    {
        client.Services.AddAgentOpsOptions(configuration);
        CachedGrainInterfaceTypes.AddTo(client.Services);
        var cluster = Read<AgentOpsClusterOptions>(configuration, AgentOpsClusterOptions.Section);
        var storage = Read<AgentOpsStorageOptions>(configuration, AgentOpsStorageOptions.Section);
        storage.ConnectionString ??= configuration["AgentOps:Postgres"];

        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        client.Services.AddSingleton<IClientConnectionRetryFilter, ClientConnectRetryFilter>();
        if (cluster.Membership != MembershipProvider.External && cluster.Tls.Enabled)
        {
            client.UseAgentOpsClusterTls(cluster.Tls);
        }
        client.AddMemoryStreams(StorageNames.Streams);
        client.AddActivityPropagation();
        if (configuration.ReadObservability().Dashboard)
        {
            client.AddDashboard();
        }
        if (cluster.Membership == MembershipProvider.Localhost)
        {
            client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId);
        }
        else
        {
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = StorageNames.Invariant;
                o.ConnectionString = RequireConnectionString(storage);
            });
        }
        return client;
    }

    /// <summary><c>AgentOps:Warehouses</c> as "alpha,beta" or as an array.</summary>
    public static IReadOnlyList<string> ReadWarehouseNames(IConfiguration configuration)
    {
        var section = configuration.GetSection("AgentOps:Warehouses");
        var values = section.Value is { } single
            ? single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : section.GetChildren().Select(c => c.Value).OfType<string>();
        return values.Select(WarehouseNames.Normalize).Distinct().ToList();
    }

    /// <summary>An IP address, or "auto" for this host's first IPv4 address (containers).</summary>
    private static IPAddress AdvertisedAddress(string setting) =>
        string.Equals(setting, "auto", StringComparison.OrdinalIgnoreCase)
            ? Dns.GetHostAddresses(Dns.GetHostName()).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            : IPAddress.Parse(setting);

    private static OrderRowStorage OrderRowStorageOf(IServiceProvider services, IGrainStorage? legacy) => new(
        services.GetRequiredService<IOrderStore>(),
        services.GetRequiredKeyedService<IGrainStorageSerializer>(StorageNames.Orders),
        services.GetService<TimeProvider>() ?? TimeProvider.System,
        legacy);

    private static string ServiceIdOf(IServiceProvider services) => services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;

    private static T Read<T>(IConfiguration configuration, string section) where T : new() =>
        configuration.GetSection(section).Get<T>() ?? new T();

    private static string RequireConnectionString(AgentOpsStorageOptions storage) =>
        string.IsNullOrWhiteSpace(storage.ConnectionString)
            ? throw new OptionsValidationException(nameof(AgentOpsStorageOptions), typeof(AgentOpsStorageOptions),
                ["AgentOps:Postgres (the PostgreSQL connection string) is required; set AgentOps__Postgres or AgentOps__Storage__Provider=Memory."])
            : WithPoolDefaults(storage.ConnectionString);

    /// <summary>
    /// Pool settings the cluster's use of PostgreSQL wants, each unless the connection string sets it:
    /// <list type="bullet">
    /// <item>Every statement the cluster sends is one of a few dozen fixed texts, and parsing and planning them again on
    /// each execution was a tenth of PostgreSQL's CPU under load: Npgsql prepares the ones used repeatedly on each pooled
    /// connection (<c>Max Auto Prepare=64</c>).</item>
    /// <item>A connection going back to the pool was reset with six statements in one round trip (8,163 resets in 20 s of
    /// agent runs); the cluster sets no session state (its locks are transaction-scoped), so nothing needs resetting
    /// (<c>No Reset On Close=true</c>).</item>
    /// </list>
    /// </summary>
    public static string WithPoolDefaults(string connectionString)
    {
        // Npgsql's own builder claims every keyword it knows; the plain one tells what the text actually sets.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var keys = given.Keys.Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!keys.Contains("MaxAutoPrepare")) builder.MaxAutoPrepare = 64;
        if (!keys.Contains("NoResetOnClose")) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    private sealed class AgentOpsOptionsMarker;
}
