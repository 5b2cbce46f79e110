using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Agents;
using AgentOps.Journal;

namespace AgentOps.Web.Agents;

public sealed record StartRunRequest(string? Prompt, string? UserId, string? AgentType);

public sealed record ResumeRunRequest(string? Decision, string? Feedback, JsonElement? Args, string? CallId);

public sealed record CancelRunRequest(string? Reason);

public sealed record StartRunResponse(Guid Id, string Status);

/// <param name="SourceRunId">The run whose journal holds the event: the run itself or one of its child runs.</param>
/// <param name="SourceAgentType">The agent type of that run, by which the dashboard tells a parent's events from a child's.</param>
public sealed record RunEventResponse(Guid Id, int Sequence, string Type, JsonObject Payload, DateTimeOffset CreatedAt, Guid SourceRunId, string SourceAgentType)
{
    public static RunEventResponse From(JournalEntry e, string agentType) =>
        new(e.Id, e.Sequence, JournalCodec.TypeOf(e.Event), JournalCodec.ToPayload(e.Event), e.CreatedAt, e.RunId, agentType);
}

/// <summary>One approval towards a quorum.</summary>
public sealed record ApprovalVoteResponse(string By, DateTimeOffset At);

/// <summary>Quorum progress: <c>approvals: {needed, given: [{by, at}]}</c>.</summary>
public sealed record ApprovalsResponse(int Needed, IReadOnlyList<ApprovalVoteResponse> Given, IReadOnlyList<string> Roles);

/// <param name="EscalateAt">The response deadline: when the call escalates next (null without a policy deadline).</param>
/// <param name="PolicyId">The policy that required approval (null: the default rule).</param>
public sealed record PendingToolResponse(
    Guid RunId, Guid RootRunId, string AgentType, string CallId, string ToolName, JsonNode? Args, string Risk,
    DateTimeOffset ProposedAt, DateTimeOffset ExpiresAt, string Prompt, string UserId,
    ApprovalsResponse? Approvals = null, int EscalationLevel = 0, DateTimeOffset? EscalateAt = null, Guid? PolicyId = null,
    string? Explanation = null, string? RequestedBy = null)
{
    public static PendingToolResponse From(PendingApproval p) => new(p.RunId, p.RootRunId, p.AgentType, p.CallId, p.ToolName,
        JournalCodec.Embed(p.Args), JournalCodec.Name(p.Risk), p.ProposedAt, p.ExpiresAt, p.Prompt, p.UserId,
        new ApprovalsResponse(p.Needed, p.Given.IsDefault ? [] : [.. p.Given.Select(v => new ApprovalVoteResponse(v.By, v.At))], p.Roles.IsDefault ? [] : [.. p.Roles]),
        p.EscalationLevel, p.EscalateAt, p.PolicyId, p.Explanation, p.RequestedBy);
}

public sealed record RunResponse(
    Guid Id, Guid? ParentRunId, Guid RootRunId, string AgentType, string UserId, string Prompt, string Status, int Steps,
    string? Summary, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, PendingToolResponse? PendingTool,
    IReadOnlyList<Guid>? ChildRunIds = null, IReadOnlyList<RunEventResponse>? Events = null)
{
    public static RunResponse From(RunSummary s, PendingApproval? pending = null) => new(
        s.Id, s.ParentRunId, s.RootRunId, s.AgentType, s.UserId, s.Prompt, JournalCodec.Name(s.Status), s.Steps, s.Summary,
        s.CreatedAt, s.UpdatedAt, (pending ?? s.PendingApproval) is { } p ? PendingToolResponse.From(p) : null);

    public static RunResponse From(RunView view) => From(view.Run, view.PendingTool) with
    {
        ChildRunIds = view.ChildRunIds,
        Events = [.. view.Events.Select(e => RunEventResponse.From(e, view.Run.AgentType))],
    };
}

/// <summary>A page of the approvals inbox; <c>total</c> counts every pending call, not just this page.</summary>
public sealed record ApprovalListResponse(IReadOnlyList<PendingToolResponse> Approvals, int Total, int Limit, int Offset);

public sealed record RunListResponse(IReadOnlyList<RunResponse> Runs, int Total, int Limit, int Offset);

public sealed record AgentTypeResponse(string Type, string Description, IReadOnlyList<string> Tools);
