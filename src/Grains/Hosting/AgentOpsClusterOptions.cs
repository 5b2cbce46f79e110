using AgentOps.Hosting.Tls;

namespace AgentOps.Hosting;

public enum MembershipProvider
{
    /// <summary>ADO.NET clustering in PostgreSQL: silos on any number of hosts find each other.</summary>
    Postgres = 0,
    /// <summary>A single-host development cluster.</summary>
    Localhost = 1,
    /// <summary>Configured by the caller (TestCluster).</summary>
    External = 2,
}

/// <summary>Cluster identity and endpoints. Section <c>AgentOps:Cluster</c>.</summary>
public sealed class AgentOpsClusterOptions
{
    public const string Section = "AgentOps:Cluster";

    public string ClusterId { get; set; } = "agentops";

    public string ServiceId { get; set; } = "agentops";

    public MembershipProvider Membership { get; set; } = MembershipProvider.Postgres;

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients use to reach this silo; "auto" takes the host's first IPv4 address.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// The address the silo and gateway ports listen on: loopback unless set. "advertised" listens on
    /// <see cref="AdvertisedAddress"/> (a private address in multi-host setups); never all interfaces by default.
    /// </summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>Web tier in client mode: how long it keeps trying to reach a silo at start-up.</summary>
    public TimeSpan ClientConnectTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Mutual TLS between cluster members (section <c>AgentOps:Cluster:Tls</c>).</summary>
    public ClusterTlsOptions Tls { get; set; } = new();

    /// <summary>Web tier only: run a silo inside the web process instead of connecting as a client.</summary>
    public bool CoHostSilo { get; set; } = true;

    /// <summary>
    /// How long a silo waits for a probe answer. With <see cref="MissedProbesLimit"/> it decides how fast a killed
    /// silo is declared dead, during which calls to grains it hosted fail (Orleans' own defaults: 5 s and 3).
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Missed probes in a row after which a silo suspects another one is dead.</summary>
    public int MissedProbesLimit { get; set; } = 2;

    /// <summary>
    /// Entries in each silo's cache of grain locations (Orleans' default: 1,000,000). Orleans sizes the cache's table
    /// to this up front, and its size gauge walks the whole table and every entry each time it is read; the Orleans
    /// Dashboard reads it every second. With the default and the ~80,000 order and run grains a busy minute leaves in
    /// it, that took 4-7 % of a silo's CPU. The grains that are called again and again (catalog, registry,
    /// warehouses, inventory shards, users) stay in a small cache; a miss costs one directory lookup.
    /// </summary>
    public int DirectoryCacheSize { get; set; } = 10_000;
}
