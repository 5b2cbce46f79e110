using System.Collections.Immutable;
using AgentOps.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using AgentOps.Common;

namespace AgentOps.OpsEvents;

public sealed class OpsEventLogGrain(
    [PersistentState("ops-events", StorageNames.Store)] IPersistentState<OpsEventLogState> state,
    IOptions<BookstoreOptions> options,
    ILogger<OpsEventLogGrain> logger) : Grain, IOpsEventLogGrain
{
    public async Task RecordAsync(OpsEvent opsEvent)
    {
        state.State.Events.Add(opsEvent);
        var excess = state.State.Events.Count - options.Value.OpsEventCapacity;
        if (excess > 0) state.State.Events.RemoveRange(0, excess);
        logger.LogInformation("Ops event {Kind} from {Source} ({Severity}): {Message}", opsEvent.Kind, opsEvent.Source, opsEvent.Severity, opsEvent.Message);
        await state.WriteOrDiscardAsync(GrainContext, logger);
    }

    public Task<ImmutableArray<OpsEvent>> QueryAsync(OpsEventQuery query)
    {
        var limit = Math.Clamp(query.Limit, 1, 1000);
        var result = new List<OpsEvent>(Math.Min(limit, state.State.Events.Count));
        for (var i = state.State.Events.Count - 1; i >= 0 && result.Count < limit; i--)
        {
            var e = state.State.Events[i];
            if (query.Since is { } since && e.Time < since) break;
            if (query.MinSeverity is { } min && e.Severity < min) continue;
            if (query.Source is { } source && !e.Source.Contains(source, StringComparison.OrdinalIgnoreCase)) continue;
            if (query.Kind is { } kind && !string.Equals(e.Kind, kind, StringComparison.OrdinalIgnoreCase)) continue;
            result.Add(e);
        }
        return Task.FromResult(result.ToImmutableArray());
    }
}
