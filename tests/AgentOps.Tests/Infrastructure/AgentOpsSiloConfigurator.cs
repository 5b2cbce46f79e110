using AgentOps.Hosting;
using Orleans.TestingHost;

namespace AgentOps.Tests.Infrastructure;

/// <summary>Configures TestCluster silos with the same extension method the real silos use.</summary>
public sealed class AgentOpsSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddAgentOpsSilo(siloBuilder.Configuration);
}
