using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Governance;
using AgentOps.Journal;

namespace AgentOps.Web.Governance;

/// <summary>A policy as clients write it. <c>effect</c>: auto_approve, require or deny; <c>args_rule</c>: a JSON Schema object.</summary>
public sealed record PolicyRequest(
    string? Name, string? Effect, string? ToolName, string? Risk, string? AgentType, JsonElement? ArgsRule,
    int? Approvers, IReadOnlyList<string>? Roles, double? RespondWithinSeconds, int? Priority, string? Reason, int? ExpectedVersion);

public sealed record PolicyResponse(
    Guid Id, int Version, string Name, string Effect, string? ToolName, string? Risk, string? AgentType, JsonNode? ArgsRule,
    int Approvers, IReadOnlyList<string> Roles, double? RespondWithinSeconds, int Priority, string? Reason, string UpdatedBy,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Deleted)
{
    public static PolicyResponse From(ApprovalPolicy p) => new(p.Id, p.Version, p.Rule.Name, JournalCodec.Name(p.Rule.Effect), p.Rule.ToolName,
        p.Rule.Risk is { } risk ? JournalCodec.Name(risk) : null, p.Rule.AgentType, p.Rule.ArgsRule is { } rule ? JournalCodec.Embed(rule) : null,
        p.Rule.Approvers, p.Rule.Roles.IsDefault ? [] : p.Rule.Roles, p.Rule.RespondWithin?.TotalSeconds, p.Rule.Priority, p.Rule.Reason,
        p.UpdatedBy, p.CreatedAt, p.UpdatedAt, p.Deleted);
}

public sealed record EvaluateRequest(string? ToolName, JsonElement? Args, string? AgentType);

public sealed record EvaluateResponse(string Effect, Guid? PolicyId, Guid? GrantId, string Explanation, int? ApprovalsNeeded, IReadOnlyList<string>? Roles)
{
    public static EvaluateResponse From(ApprovalVerdict v) => new(JournalCodec.Name(v.Effect), v.PolicyId, v.GrantId, v.Explanation,
        v.Requirement?.Needed, v.Requirement is { } r ? [.. r.Roles] : null);
}

public sealed record GrantRequest(string? ToolName, JsonElement? ArgsRule, int? MaxUses, DateTimeOffset? ExpiresAt, string? Reason);

public sealed record GrantResponse(
    Guid Id, string ToolName, JsonNode? ArgsRule, int? MaxUses, int Uses, DateTimeOffset? ExpiresAt, string? Reason, string CreatedBy,
    DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, string? RevokedBy, bool Active)
{
    public static GrantResponse From(StandingGrant g, DateTimeOffset now) => new(g.Id, g.Grant.ToolName,
        g.Grant.ArgsRule is { } rule ? JournalCodec.Embed(rule) : null, g.Grant.MaxUses, g.Uses, g.Grant.ExpiresAt, g.Grant.Reason, g.CreatedBy,
        g.CreatedAt, g.RevokedAt, g.RevokedBy, g.IsActive(now));
}

/// <param name="ArgsHash">Optional: the SHA-256 of the arguments the decider saw (as in the audit); 409 when they changed since.</param>
public sealed record BatchDecisionItem(Guid? RunId, string? CallId, string? Decision, string? Feedback, JsonElement? Args, string? ArgsHash = null);

public sealed record BatchItemResult(Guid? RunId, string? CallId, int Status, string? ErrorCode, string? Message);

public sealed record BatchDecisionResponse(IReadOnlyList<BatchItemResult> Results, int Succeeded, int Failed);

public sealed record AuditRowResponse(long Sequence, Guid RunId, string CallId, string Kind, JsonNode? Record, string PreviousHash, string Hash)
{
    public static AuditRowResponse From(AuditRecord r) => new(r.Sequence, r.RunId, r.CallId, r.Kind, JournalCodec.Embed(r.Record), r.PreviousHash, r.Hash);
}

public sealed record AuditListResponse(IReadOnlyList<AuditRowResponse> Rows, long? NextAfter);

public sealed record AuditVerifyResponse(bool Ok, long RowsChecked, long? FirstBrokenSequence, string? Problem)
{
    public static AuditVerifyResponse From(AuditVerification v) => new(v.Ok, v.RowsChecked, v.FirstBrokenSequence, v.Problem);
}

/// <summary>The evidence of one call: the hashes as proposed, approved and executed, and every audit row about it.</summary>
public sealed record EvidenceResponse(
    Guid RunId, string CallId, string? ToolName, string? ProposedArgsHash, string? ApprovedArgsHash, string? ExecutedArgsHash,
    bool ApprovedEqualsExecuted, IReadOnlyList<string> ApprovedBy, string? PolicyId, string? GrantId, IReadOnlyList<AuditRowResponse> Rows)
{
    public static EvidenceResponse From(Guid runId, string callId, IReadOnlyList<AuditRecord> rows)
    {
        var records = rows.Select(r => JsonNode.Parse(r.Record)!.AsObject()).ToList();
        string? Last(string field, params string[] kinds) =>
            records.LastOrDefault(r => kinds.Contains((string?)r["kind"]) && r[field] is not null)?[field]?.GetValue<string>();
        var approved = Last("approved_args_hash", "approved");
        var executed = Last("executed_args_hash", "executed");
        // Every row of a call carries the hash of its arguments as proposed.
        return new EvidenceResponse(runId, callId, records.FirstOrDefault()?["tool_name"]?.GetValue<string>(), records.FirstOrDefault()?["proposed_args_hash"]?.GetValue<string>(),
            approved, executed, approved is not null && approved == executed,
            [.. records.Where(r => (string?)r["kind"] is "approval_given" or "approved").Select(r => (string)r["decided_by"]!).Distinct()],
            Last("policy_id", "approved", "rejected", "approval_given"), Last("grant_id", "approved"), [.. rows.Select(AuditRowResponse.From)]);
    }
}

public sealed record DecisionTimesResponse(int Count, double P50Seconds, double P95Seconds);

public sealed record ApprovalStatsResponse(
    DateTimeOffset PeriodFrom, DateTimeOffset PeriodTo, int Decisions, int Approved, int Rejected, int Expired, int Cancelled, int AutoApproved,
    double ApprovalRate, double RejectionRate, double ExpiryRate, int Escalations, int WaitingNow,
    IReadOnlyDictionary<string, DecisionTimesResponse> TimeToDecisionByTool, IReadOnlyDictionary<string, DecisionTimesResponse> TimeToDecisionByApprover,
    IReadOnlyDictionary<string, double> AutoApprovedShareByPolicy)
{
    public static ApprovalStatsResponse From(ApprovalStatsReport r, int waiting) => new(r.From, r.To, r.Decisions, r.Approved, r.Rejected, r.Expired,
        r.Cancelled, r.AutoApproved, Math.Round(r.ApprovalRate, 4), Math.Round(r.RejectionRate, 4), Math.Round(r.ExpiryRate, 4), r.Escalations, waiting,
        r.TimeToDecisionByTool.ToDictionary(x => x.Key, x => new DecisionTimesResponse(x.Value.Count, x.Value.P50Seconds, x.Value.P95Seconds)),
        r.TimeToDecisionByApprover.ToDictionary(x => x.Key, x => new DecisionTimesResponse(x.Value.Count, x.Value.P50Seconds, x.Value.P95Seconds)),
        r.AutoApprovedShareByPolicy.ToDictionary(x => x.Key, x => Math.Round(x.Value, 4)));
}

public sealed record ActionLinkRequest(string? Decision);

public sealed record ActionLinkResponse(string Url, string Token, string Decision, DateTimeOffset ExpiresAt);

/// <summary>What a signed link would do, for its confirm page.</summary>
public sealed record ActionPreviewResponse(Guid RunId, string CallId, string Decision, string Approver, string? ToolName, JsonNode? Args, DateTimeOffset ExpiresAt);
