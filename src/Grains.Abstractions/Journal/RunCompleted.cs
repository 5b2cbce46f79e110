namespace AgentOps.Journal;

/// <summary>RUN_COMPLETED {summary}; <paramref name="Report"/> is a structured report (JSON) when the agent made one.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.RunCompleted")]
public sealed record RunCompleted([property: Id(0)] string Summary, [property: Id(1)] string? Report) : RunEvent;
