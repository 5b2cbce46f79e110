using AgentOps.Agents;
using AgentOps.Common;

namespace AgentOps.Tests.Agents;

/// <summary>Publishers and watchers in different processes must pick the same shared stream for a run.</summary>
public sealed class RunStreamsTests
{
    [Theory]
    [InlineData("00000001-0000-0000-0000-000000000000", 1)]
    [InlineData("00000021-0000-0000-0000-000000000000", 1)]
    [InlineData("0000001f-0000-0000-0000-000000000000", 31)]
    [InlineData("00000003-0000-0000-0000-000000000002", 3)]
    public void A_runs_shard_is_computed_from_its_id_bytes(string runId, int shard) =>
        Assert.Equal(shard, RunStreams.Shard(Guid.Parse(runId)));

    [Fact]
    public void Time_ordered_run_ids_spread_over_every_shard()
    {
        var counts = new int[RunStreams.Count];
        for (var i = 0; i < 32_000; i++) counts[RunStreams.Shard(TimeOrderedIds.New())]++;

        // 1,000 a shard on average; a shard with twice or half of that would mean the ids' time bits decide.
        Assert.All(counts, c => Assert.InRange(c, 500, 2_000));
    }
}
