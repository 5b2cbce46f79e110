using AgentOps.Hosting;

namespace AgentOps.Tests.Domain;

public sealed class ClusterOptionsValidatorTests
{
    private static readonly ClusterOptionsValidator Validator = new();

    [Fact]
    public void The_defaults_are_valid() => Assert.True(Validator.Validate(null, new AgentOpsClusterOptions()).Succeeded);

    [Fact]
    public void Each_setting_out_of_range_is_named()
    {
        var result = Validator.Validate(null, new AgentOpsClusterOptions { DirectoryCacheSize = 0, MissedProbesLimit = 0, ProbeTimeout = TimeSpan.Zero });
        Assert.True(result.Failed);
        Assert.Equal(
            ["AgentOps:Cluster:DirectoryCacheSize must be at least 1.", "AgentOps:Cluster:MissedProbesLimit must be at least 1.", "AgentOps:Cluster:ProbeTimeout must be positive."],
            result.Failures);
    }
}
