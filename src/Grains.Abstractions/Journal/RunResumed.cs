using AgentOps.Agents;

namespace AgentOps.Journal;

/// <summary>
/// RUN_RESUMED {decision, feedback?}: who decided (an e-mail, <c>policy:&lt;id&gt;</c>, <c>grant:&lt;id&gt;</c> or
/// <c>system</c>), why (<paramref name="Explanation"/>, for automatic decisions), and the arguments approved when edited.
/// </summary>
[GenerateSerializer, Immutable, Alias("AgentOps.RunResumed")]
public sealed record RunResumed(
    [property: Id(0)] ApprovalDecision Decision,
    [property: Id(1)] string? Feedback,
    [property: Id(2)] string CallId,
    [property: Id(3)] string DecidedBy,
    [property: Id(4)] string? ApprovedArgs,
    [property: Id(5)] string? Explanation = null) : RunEvent;
