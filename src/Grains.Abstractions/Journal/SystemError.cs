namespace AgentOps.Journal;

/// <summary>SYSTEM_ERROR {error_details}. A fatal error ends the run as failed; others are seen by the agent.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.SystemError")]
public sealed record SystemError([property: Id(0)] string ErrorDetails, [property: Id(1)] bool Fatal) : RunEvent;
