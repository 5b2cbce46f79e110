using System.Collections.Immutable;
using AgentOps.Hosting;
using AgentOps.OpsEvents;
using AgentOps.Warehouses;
using Microsoft.Extensions.Options;
using AgentOps.Common;
using Microsoft.Extensions.Logging;

namespace AgentOps.Inventory;

/// <summary>Reads every HEALTHY warehouse's full stock, repairs the cache and records drift as ops events.</summary>
public sealed class ReconciliationGrain(
    [PersistentState("reconciliation", StorageNames.Store)] IPersistentState<ReconciliationState> state,
    IOptions<BookstoreOptions> options,
    TimeProvider clock,
    ILogger<ReconciliationGrain> logger) : Grain, IReconciliationGrain, IRemindable
{
    private const string ReconcileReminder = "reconcile";

    public async Task<ReconciliationReport> RunAsync(string trigger)
    {
        var started = clock.GetUtcNow();
        var registrations = await GrainFactory.GetGrain<IWarehouseRegistryGrain>(0).ListAsync();
        var checkedWarehouses = ImmutableArray.CreateBuilder<string>();
        var skipped = ImmutableArray.CreateBuilder<string>();
        var drifts = ImmutableArray.CreateBuilder<InventoryDrift>();
        var lines = 0;

        foreach (var registration in registrations)
        {
            if (registration.Status != WarehouseStatus.Healthy)
            {
                skipped.Add(registration.Name);
                continue;
            }
            ImmutableArray<StockLine> stock;
            var readAt = clock.GetUtcNow();
            try
            {
                stock = await GrainFactory.GetGrain<IWarehouseGrain>(registration.Name).GetStockAsync().WaitAsync(options.Value.HealthCheckTimeout);
            }
            catch (Exception)
            {
                skipped.Add(registration.Name);
                continue;
            }
            checkedWarehouses.Add(registration.Name);
            lines += stock.Length;
            var byShard = stock.GroupBy(l => InventoryShards.For(l.BookId)).ToDictionary(g => g.Key, g => g.ToImmutableArray());
            var found = await Task.WhenAll(Enumerable.Range(0, InventoryShards.Count).Select(shard =>
                GrainFactory.GetGrain<IInventoryCacheGrain>(shard).ReconcileAsync(registration.Name, byShard.GetValueOrDefault(shard, []), readAt)));
            foreach (var shardDrifts in found) drifts.AddRange(shardDrifts);
        }

        var report = new ReconciliationReport(Guid.NewGuid(), trigger, started, clock.GetUtcNow(), checkedWarehouses.ToImmutable(),
            skipped.ToImmutable(), lines, drifts.ToImmutable());
        state.State.Last = report;
        await state.WriteOrDiscardAsync(GrainContext, logger);
        await RecordDriftAsync(report);
        return report;
    }

    public Task<ReconciliationReport?> GetLastAsync() => Task.FromResult(state.State.Last);

    public async Task EnsureStartedAsync()
    {
        var period = options.Value.ReconciliationPeriod;
        // An upsert: a changed period in configuration takes effect on the next start.
        await this.RegisterOrUpdateReminder(ReconcileReminder, period, period);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == ReconcileReminder ? RunAsync("reminder") : Task.CompletedTask;

    private async Task RecordDriftAsync(ReconciliationReport report)
    {
        if (report.Drifts.IsEmpty) return;
        var log = GrainFactory.GetGrain<IOpsEventLogGrain>(0);
        // One event per warehouse keeps the log readable when a whole warehouse drifted.
        foreach (var group in report.Drifts.GroupBy(d => d.Warehouse))
        {
            var sample = string.Join("; ", group.Take(20).Select(d => $"{d.BookId}: cache {d.Cached?.ToString() ?? "none"} → actual {d.Actual}"));
            await log.RecordAsync(new OpsEvent(Guid.NewGuid(), report.FinishedAt, "reconciliation", OpsSeverity.Warning, "inventory_drift",
                $"Inventory drift in warehouse {group.Key}: {group.Count()} book(s) differed from the cache.",
                ImmutableDictionary<string, string>.Empty
                    .Add("warehouse", group.Key)
                    .Add("drift_count", group.Count().ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Add("report_id", report.Id.ToString())
                    .Add("drifts", sample)));
        }
    }
}
