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

    /// <summary>Web tier only: run a silo inside the web process instead of connecting as a client.</summary>
    public bool CoHostSilo { get; set; } = true;
}
