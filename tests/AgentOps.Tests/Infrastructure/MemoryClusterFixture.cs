using Orleans.TestingHost;

namespace AgentOps.Tests.Infrastructure;

/// <summary>Two silos with in-memory storage: for tests about grain logic.</summary>
public sealed class MemoryClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        Cluster = ClusterFactory.Build(2, ClusterFactory.BaseSettings(connectionString: null));
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class MemoryClusterCollection : ICollectionFixture<MemoryClusterFixture>
{
    public const string Name = "memory cluster";
}
