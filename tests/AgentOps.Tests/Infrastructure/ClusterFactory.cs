using AgentOps.Hosting;
using Orleans.TestingHost;

namespace AgentOps.Tests.Infrastructure;

public static class ClusterFactory
{
    /// <summary>Settings every test cluster shares: short periods so reminders fire within a test.</summary>
    public static Dictionary<string, string?> BaseSettings(string? connectionString) => new()
    {
        ["AgentOps:Cluster:Membership"] = nameof(MembershipProvider.External),
        ["AgentOps:Storage:Provider"] = connectionString is null ? nameof(StorageProvider.Memory) : nameof(StorageProvider.Postgres),
        ["AgentOps:Postgres"] = connectionString,
        ["AgentOps:Bookstore:HealthCheckPeriod"] = "00:00:02",
        ["AgentOps:Bookstore:HealthCheckTimeout"] = "00:00:01",
        ["AgentOps:Bookstore:ReconciliationPeriod"] = "00:00:03",
        ["AgentOps:Bookstore:OrderResumePeriod"] = "00:00:02",
        ["AgentOps:Bookstore:ShipmentTimeout"] = "00:00:01",
        ["AgentOps:Security:BcryptWorkFactor"] = "4",
        ["AgentOps:Seed:InitialStock"] = "10",
        ["AgentOps:Agents:ResumePeriod"] = "00:00:02",
    };

    public static TestCluster Build(int silos, IDictionary<string, string?> settings, string? serviceId = null, Action<TestClusterBuilder>? configure = null)
    {
        var builder = new TestClusterBuilder((short)silos);
        if (serviceId is not null)
        {
            // Grain state and reminders are keyed by service id: a restarted cluster must keep it.
            builder.Options.ServiceId = serviceId;
            builder.Options.ClusterId = $"{serviceId}-{Guid.NewGuid():N}"[..40];
        }
        foreach (var (key, value) in settings)
        {
            if (value is not null) builder.Properties[key] = value;
        }
        builder.AddSiloBuilderConfigurator<AgentOpsSiloConfigurator>();
        configure?.Invoke(builder);
        return builder.Build();
    }
}
