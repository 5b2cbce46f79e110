namespace AgentOps.Journal;

/// <summary>RUN_STARTED {prompt, user_id, requested_by}: <paramref name="RequestedBy"/> is the e-mail of the person whose rights the run has.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.RunStarted")]
public sealed record RunStarted(
    [property: Id(0)] string Prompt,
    [property: Id(1)] string UserId,
    [property: Id(2)] string AgentType,
    [property: Id(3)] Guid? ParentRunId,
    [property: Id(4)] Guid RootRunId,
    [property: Id(5)] string? ParentCallId,
    [property: Id(6)] string? RequestedBy = null) : RunEvent;
