namespace AgentOps.Journal;

/// <summary>CHILD_RUN_STARTED {child_run_id, agent_type, task}, started by delegation call <paramref name="CallId"/>.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.ChildRunStarted")]
public sealed record ChildRunStarted(
    [property: Id(0)] Guid ChildRunId,
    [property: Id(1)] string AgentType,
    [property: Id(2)] string Task,
    [property: Id(3)] string CallId) : RunEvent;
