namespace AgentOps.Agents;

/// <summary>Where a run is in its life; derived from its journal.</summary>
[GenerateSerializer, Alias("AgentOps.RunStatus")]
public enum RunStatus
{
    Pending = 0,
    Running = 1,
    Suspended = 2,
    Completed = 3,
    Failed = 4,
    Cancelled = 5,
}
