using System.Collections.Immutable;
using System.Diagnostics;
using AgentOps.Common;
using AgentOps.Hosting;
using AgentOps.OpsEvents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentOps.Warehouses;

public sealed class WarehouseRegistryGrain(
    [PersistentState("warehouse-registry", StorageNames.Store)] IPersistentState<WarehouseRegistryState> state,
    IOptions<BookstoreOptions> options,
    TimeProvider clock,
    ILogger<WarehouseRegistryGrain> logger) : Grain, IWarehouseRegistryGrain, IRemindable
{
    private const string HealthCheckReminder = "health-check";

    public async Task<WarehouseRegistration> RegisterAsync(string name, string url)
    {
        name = WarehouseNames.Normalize(name);
        if (!WarehouseNames.IsValid(name)) throw new ArgumentException($"'{name}' is not a valid warehouse name.", nameof(name));

        var registration = state.State.Warehouses.TryGetValue(name, out var existing)
            ? existing with { Url = url }
            : new WarehouseRegistration(NameBasedGuid.Create(NameBasedGuid.Warehouses, name), name, url,
                WarehouseStatus.Unknown, clock.GetUtcNow(), null, null, null);
        if (registration == existing) return registration;

        state.State.Warehouses[name] = registration;
        await state.WriteOrDiscardAsync(GrainContext, logger);
        logger.LogInformation("Warehouse {Warehouse} registered at {Url}", name, url);
        if (existing is null)
        {
            // A new warehouse gets its first health check now rather than at the next reminder tick.
            this.AsReference<IWarehouseRegistryGrain>().CheckHealthAsync().Ignore();
        }
        return registration;
    }

    public Task<ImmutableArray<WarehouseRegistration>> ListAsync() =>
        Task.FromResult(state.State.Warehouses.Values.OrderBy(w => w.Name, StringComparer.Ordinal).ToImmutableArray());

    public Task<WarehouseRegistration?> GetAsync(string name) =>
        Task.FromResult(state.State.Warehouses.GetValueOrDefault(WarehouseNames.Normalize(name)));

    public async Task<ImmutableArray<WarehouseRegistration>> CheckHealthAsync()
    {
        var timeout = options.Value.HealthCheckTimeout;
        var names = state.State.Warehouses.Keys.ToArray();
        var results = await Task.WhenAll(names.Select(name => PingAsync(name, timeout)));

        var events = new List<OpsEvent>();
        foreach (var (name, seenAt, latency, error) in results)
        {
            var before = state.State.Warehouses[name];
            var after = error is null
                ? before with { Status = WarehouseStatus.Healthy, LastSeen = seenAt, LastError = null, LastLatencyMs = latency }
                : before with { Status = WarehouseStatus.Offline, LastError = error, LastLatencyMs = null };
            state.State.Warehouses[name] = after;
            if (before.Status != after.Status)
            {
                events.Add(StatusChangeEvent(after, before.Status));
            }
        }
        await state.WriteOrDiscardAsync(GrainContext, logger);

        var log = GrainFactory.GetGrain<IOpsEventLogGrain>(0);
        foreach (var opsEvent in events) await log.RecordAsync(opsEvent);
        return [.. state.State.Warehouses.Values.OrderBy(w => w.Name, StringComparer.Ordinal)];
    }

    public async Task EnsureStartedAsync()
    {
        var period = options.Value.HealthCheckPeriod;
        // An upsert: a changed period in configuration takes effect on the next start.
        await this.RegisterOrUpdateReminder(HealthCheckReminder, period, period);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == HealthCheckReminder ? CheckHealthAsync() : Task.CompletedTask;

    private async Task<(string Name, DateTimeOffset? SeenAt, double? LatencyMs, string? Error)> PingAsync(string name, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var seenAt = await GrainFactory.GetGrain<IWarehouseGrain>(name).PingAsync().WaitAsync(timeout);
            return (name, seenAt, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null);
        }
        catch (TimeoutException)
        {
            return (name, null, null, $"no answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (Exception e)
        {
            return (name, null, null, e.Message);
        }
    }

    private OpsEvent StatusChangeEvent(WarehouseRegistration now, WarehouseStatus before)
    {
        var wentOffline = now.Status == WarehouseStatus.Offline;
        var message = wentOffline
            ? $"Warehouse {now.Name} went OFFLINE: {now.LastError}"
            : $"Warehouse {now.Name} is HEALTHY (was {before.ToString().ToUpperInvariant()}).";
        var details = ImmutableDictionary<string, string>.Empty
            .Add("warehouse", now.Name)
            .Add("previous_status", before.ToString().ToUpperInvariant())
            .Add("status", now.Status.ToString().ToUpperInvariant());
        if (now.LastError is { } error) details = details.Add("error", error);
        return new OpsEvent(Guid.NewGuid(), clock.GetUtcNow(), "health-check",
            wentOffline ? OpsSeverity.Error : OpsSeverity.Info, wentOffline ? "warehouse_offline" : "warehouse_healthy", message, details);
    }
}
