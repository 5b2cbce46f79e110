using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace AgentOps.Tests.Infrastructure;

/// <summary>One silo whose agents plan with <see cref="ScriptedChatClient"/> (the IChatClient path), and approvals that expire after 8 s.</summary>
public sealed class LlmClusterFixture : IAsyncLifetime
{
    // Long enough that a stalled test machine does not expire an approval a test is about to give.
    public static readonly TimeSpan ApprovalTimeout = TimeSpan.FromSeconds(8);

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        var settings = ClusterFactory.BaseSettings(connectionString: null);
        settings["AgentOps:Agents:ApprovalTimeout"] = ApprovalTimeout.ToString();
        Cluster = ClusterFactory.Build(1, settings, configure: b => b.AddSiloBuilderConfigurator<ScriptedChatConfigurator>());
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class ScriptedChatConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.Services.AddSingleton<IChatClient>(ScriptedChatClient.Shared);
    }
}

[CollectionDefinition(Name)]
public sealed class LlmClusterCollection : ICollectionFixture<LlmClusterFixture>
{
    public const string Name = "llm cluster";
}
