namespace AgentOps.Journal;

/// <summary>RUN_CANCELLED {reason, cancelled_by}.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.RunCancelled")]
public sealed record RunCancelled([property: Id(0)] string Reason, [property: Id(1)] string CancelledBy) : RunEvent;
