namespace AgentOps.Journal;

/// <summary>CHILD_RUN_COMPLETED {child_run_id, success, summary}.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.ChildRunCompleted")]
public sealed record ChildRunCompleted(
    [property: Id(0)] Guid ChildRunId,
    [property: Id(1)] bool Success,
    [property: Id(2)] string Summary) : RunEvent;
