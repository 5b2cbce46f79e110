using AgentOps.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentOps.Orders;

/// <summary>
/// Finds orders left PENDING (their silo died between "accepted" and "shipped") and resumes them, from the state
/// their row was added with (or an earlier version's payload). A row with neither, which only versions that added the
/// row before anything else could leave, is removed: that order was never acknowledged to anyone.
/// </summary>
public sealed class OrderSweeperGrain(IOrderStore store, IOptions<BookstoreOptions> options, TimeProvider clock, ILogger<OrderSweeperGrain> logger)
    : Grain, IOrderSweeperGrain, IRemindable
{
    private const string SweepReminder = "sweep";
    private const int Batch = 200;

    public async Task<int> SweepAsync()
    {
        // Orders younger than the grace period are most likely still being fulfilled by their own activation.
        var stalled = await store.ListStalledAsync(clock.GetUtcNow() - options.Value.OrderResumePeriod, Batch);
        var resumed = 0;
        foreach (var id in stalled)
        {
            try
            {
                var order = await GrainFactory.GetGrain<IOrderGrain>(id).ResumeAsync();
                if (order is null) await store.RemoveAsync(id);
                else resumed++;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Could not resume order {OrderId}; the next sweep tries again", id);
            }
        }
        if (resumed > 0) logger.LogInformation("Resumed {Count} pending orders", resumed);
        return resumed;
    }

    public Task EnsureStartedAsync() =>
        this.RegisterOrUpdateReminder(SweepReminder, options.Value.OrderResumePeriod, options.Value.OrderResumePeriod);

    public Task ReceiveReminder(string reminderName, TickStatus status) => reminderName == SweepReminder ? SweepAsync() : Task.CompletedTask;
}
