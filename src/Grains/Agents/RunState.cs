using System.Collections.Immutable;
using AgentOps.Journal;

namespace AgentOps.Agents;

/// <summary>A tool call proposed and not yet answered by a TOOL_RESULT.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.PendingCall")]
public sealed record PendingCall(
    [property: Id(0)] string CallId,
    [property: Id(1)] string ToolName,
    [property: Id(2)] string Args,
    [property: Id(3)] RiskClass Risk,
    [property: Id(4)] DateTimeOffset ProposedAt,
    [property: Id(5)] bool AwaitingApproval = false,
    [property: Id(6)] DateTimeOffset? ExpiresAt = null,
    [property: Id(7)] ApprovalDecision? Decision = null,
    [property: Id(8)] string? ApprovedArgs = null,
    [property: Id(9)] string? DecidedBy = null,
    [property: Id(10)] Governance.ApprovalRequirement? Requirement = null,
    [property: Id(11)] ImmutableList<ApprovalVote>? Given = null,
    [property: Id(12)] int EscalationLevel = 0,
    [property: Id(13)] DateTimeOffset? EscalateAt = null,
    [property: Id(14)] string? Expects = null,
    [property: Id(15)] int Attempts = 0)
{
    /// <summary>Approvals given so far towards the call's quorum.</summary>
    public ImmutableList<ApprovalVote> Votes => Given ?? [];

    /// <summary>Distinct approvals the call needs (one when no policy asked for more).</summary>
    public int Needed => Requirement?.Needed ?? 1;

    /// <summary>The arguments the tool runs with: the edited ones when a person changed them.</summary>
    public string EffectiveArgs => ApprovedArgs ?? Args;
}

/// <summary>
/// A run's state: nothing but the fold (<see cref="RunFold"/>) of its journal. Members are immutable values so
/// that a copy (<see cref="Copy"/>) can be folded forward without touching the original.
/// </summary>
[GenerateSerializer, Alias("AgentOps.RunState")]
public sealed class RunState
{
    [Id(0)] public Guid Id { get; set; }
    [Id(1)] public bool Started { get; set; }
    [Id(2)] public Guid? ParentRunId { get; set; }
    [Id(3)] public Guid RootRunId { get; set; }
    [Id(4)] public string AgentType { get; set; } = "";
    [Id(5)] public string UserId { get; set; } = "";
    [Id(6)] public string Prompt { get; set; } = "";
    [Id(7)] public RunStatus Status { get; set; }
    [Id(8)] public DateTimeOffset CreatedAt { get; set; }
    [Id(9)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(10)] public ImmutableList<JournalEntry> Events { get; set; } = [];
    [Id(11)] public PendingCall? Pending { get; set; }
    [Id(12)] public Guid? BlockedByChild { get; set; }
    [Id(13)] public ImmutableList<Guid> ChildRunIds { get; set; } = [];
    [Id(14)] public int Steps { get; set; }
    [Id(15)] public int ConsecutiveErrors { get; set; }
    [Id(16)] public string? Summary { get; set; }
    [Id(17)] public string? ParentCallId { get; set; }
    [Id(18)] public string? RequestedBy { get; set; }

    public bool IsTerminal => Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;

    public RunState Copy() => (RunState)MemberwiseClone();
}
