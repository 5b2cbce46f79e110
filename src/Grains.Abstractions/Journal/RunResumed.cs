using AgentOps.Agents;

namespace AgentOps.Journal;

/// <summary>RUN_RESUMED {decision, feedback?}: who decided, and the arguments approved when they were edited.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.RunResumed")]
public sealed record RunResumed(
    [property: Id(0)] ApprovalDecision Decision,
    [property: Id(1)] string? Feedback,
    [property: Id(2)] string CallId,
    [property: Id(3)] string DecidedBy,
    [property: Id(4)] string? ApprovedArgs) : RunEvent;
