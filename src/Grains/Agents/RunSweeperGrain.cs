using AgentOps.Hosting;
using AgentOps.Journal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentOps.Agents;

/// <summary>One reminder for every run, instead of a reminder written and deleted per run.</summary>
public sealed class RunSweeperGrain(IRunJournalStore store, IOptions<AgentOptions> options, TimeProvider clock, ILogger<RunSweeperGrain> logger)
    : Grain, IRunSweeperGrain, IRemindable
{
    private const string SweepReminder = "sweep";
    private const int Batch = 500;

    public async Task<int> SweepAsync()
    {
        var now = clock.GetUtcNow();
        var stalled = await store.ListStalledAsync(now - options.Value.ResumePeriod, now, Batch);
        foreach (var run in stalled)
        {
            try
            {
                await GrainFactory.GetGrain<IAgentRunGrain>(run).WakeAsync();
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Could not wake run {RunId}; the next sweep tries again", run);
            }
        }
        if (stalled.Count > 0) logger.LogInformation("Woke {Count} stalled runs", stalled.Count);
        return stalled.Count;
    }

    public Task EnsureStartedAsync() =>
        this.RegisterOrUpdateReminder(SweepReminder, options.Value.ResumePeriod, options.Value.ResumePeriod);

    public Task ReceiveReminder(string reminderName, TickStatus status) => reminderName == SweepReminder ? SweepAsync() : Task.CompletedTask;
}
