using System.Collections.Concurrent;
using AgentOps.Common;

namespace AgentOps.Tests.Domain;

/// <summary>The batching behind the order, journal and call-id reads on activation.</summary>
public sealed class ReadBatcherTests
{
    [Fact]
    public async Task Reads_that_wait_while_a_query_runs_go_together_in_the_next_one()
    {
        var queries = new ConcurrentQueue<IReadOnlyList<int>>();
        var first = new TaskCompletionSource();
        var reads = new ReadBatcher<int, string>(async keys =>
        {
            queries.Enqueue(keys);
            if (queries.Count == 1) await first.Task;
            return keys.Where(k => k != 3).ToDictionary(k => k, k => $"row {k}");
        }, maxBatch: 10);
        await using var _ = reads;

        var one = reads.ReadAsync(1);
        while (queries.Count == 0) await Task.Delay(1);
        var waiting = new[] { reads.ReadAsync(2), reads.ReadAsync(3), reads.ReadAsync(2) };
        first.SetResult();

        Assert.Equal("row 1", await one);
        Assert.Equal(new string?[] { "row 2", null, "row 2" }, await Task.WhenAll(waiting));
        Assert.Equal([[1], [2, 3]], queries.Select(q => q.ToArray()).ToArray());
    }

    [Fact]
    public async Task A_failed_query_fails_the_reads_of_its_batch_and_the_next_batch_is_read_again()
    {
        var calls = 0;
        var reads = new ReadBatcher<int, string>(keys => ++calls == 1
            ? throw new InvalidOperationException("storage is down")
            : Task.FromResult<IReadOnlyDictionary<int, string>>(keys.ToDictionary(k => k, k => $"row {k}")), maxBatch: 10);
        await using var _ = reads;

        await Assert.ThrowsAsync<InvalidOperationException>(() => reads.ReadAsync(1));
        Assert.Equal("row 1", await reads.ReadAsync(1));
    }
}
