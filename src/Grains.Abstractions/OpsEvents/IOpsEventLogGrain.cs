using System.Collections.Immutable;

namespace AgentOps.OpsEvents;

/// <summary>The bounded, durable log of ops events (key 0), newest first when queried.</summary>
[Alias("AgentOps.IOpsEventLogGrain")]
public interface IOpsEventLogGrain : IGrainWithIntegerKey
{
    [Alias("Record")]
    Task RecordAsync(OpsEvent opsEvent);

    [Alias("Query"), ReadOnly]
    Task<ImmutableArray<OpsEvent>> QueryAsync(OpsEventQuery query);
}
