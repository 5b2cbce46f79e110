using AgentOps.Agents;
using AgentOps.Journal;
using Microsoft.Extensions.DependencyInjection;

namespace AgentOps.Tests.Infrastructure;

/// <summary>
/// Writes the journals of runs waiting for approval straight into the run store, as a flood of real runs would
/// leave them: fast, and independent of what the planners decide.
/// </summary>
public static class SeededRuns
{
    /// <summary>Top-level runs of <paramref name="userId"/>, each suspended on one dangerous call; returns their call ids, oldest first.</summary>
    public static async Task<IReadOnlyList<string>> PendingApprovalsAsync(IServiceProvider services, string userId, int count)
    {
        var store = services.GetRequiredService<IRunJournalStore>();
        var callIds = new string[count];
        var start = DateTimeOffset.UtcNow;
        foreach (var chunk in Enumerable.Range(0, count).Chunk(16))
        {
            await Task.WhenAll(chunk.Select(async i =>
            {
                var runId = Guid.NewGuid();
                var callId = $"call_seed_{runId:N}";
                var at = start.AddMilliseconds(i);
                RunEvent[] events =
                [
                    new RunStarted($"Seeded task {i}", userId, "warehouse-ops", null, runId, null),
                    new ToolProposed("restart_warehouse", """{"name":"beta"}""", callId, RiskClass.Dangerous),
                    new RunSuspended("Waiting for approval of restart_warehouse.", null, callId, at.AddHours(24)),
                ];
                var entries = events.Select((e, n) => new JournalEntry(Guid.NewGuid(), runId, n + 1, at, e)).ToList();
                Assert.True(await store.AppendAsync(entries, RunFold.Summary(RunFold.Replay(runId, entries))));
                callIds[i] = callId;
            }));
        }
        return callIds;
    }
}
