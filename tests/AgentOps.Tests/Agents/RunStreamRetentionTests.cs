using AgentOps.Hosting;
using AgentOps.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace AgentOps.Tests.Agents;

/// <summary>Streams that go idle must not pile up in Orleans' pulling agents, queue cache and pub-sub.</summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class RunStreamRetentionTests(MemoryClusterFixture fixture)
{
    [Fact]
    public void A_runs_stream_and_its_cached_events_are_let_go_after_30_idle_seconds_and_its_pub_sub_grain_after_two_minutes()
    {
        var services = Assert.IsType<InProcessSiloHandle>(fixture.Cluster.Primary).SiloHost.Services;

        var pullingAgent = services.GetRequiredService<IOptionsMonitor<StreamPullingAgentOptions>>().Get(StorageNames.Streams);
        Assert.Equal(TimeSpan.FromSeconds(30), pullingAgent.StreamInactivityPeriod);
        var cache = services.GetRequiredService<IOptionsMonitor<StreamCacheEvictionOptions>>().Get(StorageNames.Streams);
        Assert.Equal((TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)), (cache.DataMinTimeInCache, cache.DataMaxAgeInCache));
        var collection = services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(2), collection.ClassSpecificCollectionAge[AgentOpsHostingExtensions.PubSubGrainClass]);
        // The setting names Orleans' class by its full name: if Orleans renamed it, the setting would do nothing.
        Assert.NotNull(typeof(StreamPullingAgentOptions).Assembly.GetType(AgentOpsHostingExtensions.PubSubGrainClass));
    }
}
