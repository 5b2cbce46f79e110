using System.Text.Json;
using System.Text.Json.Nodes;
using System.Globalization;
using AgentOps.Agents;
using AgentOps.Governance;

namespace AgentOps.Journal;

/// <summary>
/// The journal's wire format: event type names (RUN_STARTED …) and snake_case JSON payloads, the same for the
/// PostgreSQL journal, the HTTP API and the server-sent events. Arguments and outputs are embedded as JSON.
/// </summary>
public static class JournalCodec
{
    public const string RunStartedType = "RUN_STARTED";
    public const string AgentThoughtType = "AGENT_THOUGHT";
    public const string ToolProposedType = "TOOL_PROPOSED";
    public const string RunSuspendedType = "RUN_SUSPENDED";
    public const string RunResumedType = "RUN_RESUMED";
    public const string ToolResultType = "TOOL_RESULT";
    public const string RunCompletedType = "RUN_COMPLETED";
    public const string SystemErrorType = "SYSTEM_ERROR";
    public const string ChildRunStartedType = "CHILD_RUN_STARTED";
    public const string ChildRunCompletedType = "CHILD_RUN_COMPLETED";
    public const string RunCancelledType = "RUN_CANCELLED";
    public const string ApprovalGivenType = "APPROVAL_GIVEN";
    public const string ApprovalEscalatedType = "APPROVAL_ESCALATED";
    public const string PreconditionChangedType = "PRECONDITION_CHANGED";

    public static string TypeOf(RunEvent e) => e switch
    {
        RunStarted => RunStartedType,
        AgentThought => AgentThoughtType,
        ToolProposed => ToolProposedType,
        RunSuspended => RunSuspendedType,
        RunResumed => RunResumedType,
        ToolResult => ToolResultType,
        RunCompleted => RunCompletedType,
        SystemError => SystemErrorType,
        ChildRunStarted => ChildRunStartedType,
        ChildRunCompleted => ChildRunCompletedType,
        RunCancelled => RunCancelledType,
        ApprovalGiven => ApprovalGivenType,
        ApprovalEscalated => ApprovalEscalatedType,
        PreconditionChanged => PreconditionChangedType,
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "Unknown journal event type."),
    };

    public static JsonObject ToPayload(RunEvent e)
    {
        var o = new JsonObject();
        switch (e)
        {
            case RunStarted x:
                o["prompt"] = x.Prompt;
                o["user_id"] = x.UserId;
                o["agent_type"] = x.AgentType;
                o["root_run_id"] = x.RootRunId.ToString();
                if (x.ParentRunId is { } parent) o["parent_run_id"] = parent.ToString();
                if (x.ParentCallId is { } parentCall) o["parent_call_id"] = parentCall;
                if (x.RequestedBy is { } requestedBy) o["requested_by"] = requestedBy;
                break;
            case AgentThought x:
                o["text_content"] = x.TextContent;
                break;
            case ToolProposed x:
                o["tool_name"] = x.ToolName;
                o["args"] = Embed(x.Args);
                o["call_id"] = x.CallId;
                o["risk"] = Name(x.Risk);
                if (x.Expects is { } expects) o["expects"] = Embed(expects);
                break;
            case RunSuspended x:
                o["reason"] = x.Reason;
                if (x.BlockedByChildRunId is { } child) o["blocked_by_child_run_id"] = child.ToString();
                if (x.CallId is { } call) o["call_id"] = call;
                if (x.ExpiresAt is { } expires) o["expires_at"] = Time(expires);
                if (x.Requirement is { } requirement) o["requirement"] = ToPayload(requirement);
                if (x.EscalateAt is { } escalateAt) o["escalate_at"] = Time(escalateAt);
                break;
            case RunResumed x:
                o["decision"] = Name(x.Decision);
                if (x.Feedback is { } feedback) o["feedback"] = feedback;
                o["call_id"] = x.CallId;
                o["decided_by"] = x.DecidedBy;
                if (x.ApprovedArgs is { } args) o["approved_args"] = Embed(args);
                if (x.Explanation is { } explanation) o["explanation"] = explanation;
                break;
            case ToolResult x:
                o["call_id"] = x.CallId;
                o["output_data"] = Embed(x.OutputData);
                o["status"] = Name(x.Status);
                break;
            case RunCompleted x:
                o["summary"] = x.Summary;
                if (x.Report is { } report) o["report"] = Embed(report);
                break;
            case SystemError x:
                o["error_details"] = x.ErrorDetails;
                o["fatal"] = x.Fatal;
                break;
            case ChildRunStarted x:
                o["child_run_id"] = x.ChildRunId.ToString();
                o["agent_type"] = x.AgentType;
                o["task"] = x.Task;
                o["call_id"] = x.CallId;
                break;
            case ChildRunCompleted x:
                o["child_run_id"] = x.ChildRunId.ToString();
                o["success"] = x.Success;
                o["summary"] = x.Summary;
                break;
            case RunCancelled x:
                o["reason"] = x.Reason;
                o["cancelled_by"] = x.CancelledBy;
                break;
            case ApprovalGiven x:
                o["call_id"] = x.CallId;
                o["approved_by"] = x.ApprovedBy;
                o["given"] = x.Given;
                o["needed"] = x.Needed;
                if (x.ApprovedArgs is { } approved) o["approved_args"] = Embed(approved);
                if (x.Feedback is { } note) o["feedback"] = note;
                break;
            case ApprovalEscalated x:
                o["call_id"] = x.CallId;
                o["level"] = x.Level;
                if (x.NextEscalationAt is { } next) o["next_escalation_at"] = Time(next);
                break;
            case PreconditionChanged x:
                o["call_id"] = x.CallId;
                o["expected"] = Embed(x.Expected);
                o["actual"] = Embed(x.Actual);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "Unknown journal event type.");
        }
        return o;
    }

    public static RunEvent FromPayload(string type, JsonElement p) => type switch
    {
        RunStartedType => new RunStarted(Str(p, "prompt"), Str(p, "user_id"), Str(p, "agent_type"),
            OptGuid(p, "parent_run_id"), Guid.Parse(Str(p, "root_run_id")), OptStr(p, "parent_call_id"), OptStr(p, "requested_by")),
        AgentThoughtType => new AgentThought(Str(p, "text_content")),
        ToolProposedType => new ToolProposed(Str(p, "tool_name"), Raw(p, "args") ?? "{}", Str(p, "call_id"),
            Parse<RiskClass>(OptStr(p, "risk") ?? "safe"), Raw(p, "expects")),
        RunSuspendedType => new RunSuspended(Str(p, "reason"), OptGuid(p, "blocked_by_child_run_id"), OptStr(p, "call_id"),
            OptTime(p, "expires_at"), p.TryGetProperty("requirement", out var requirement) ? RequirementFrom(requirement) : null, OptTime(p, "escalate_at")),
        RunResumedType => new RunResumed(ParseDecision(Str(p, "decision")), OptStr(p, "feedback"), Str(p, "call_id"),
            OptStr(p, "decided_by") ?? "unknown", Raw(p, "approved_args"), OptStr(p, "explanation")),
        ToolResultType => new ToolResult(Str(p, "call_id"), Raw(p, "output_data") ?? "null", Parse<ToolResultStatus>(Str(p, "status"))),
        RunCompletedType => new RunCompleted(Str(p, "summary"), Raw(p, "report")),
        SystemErrorType => new SystemError(Str(p, "error_details"), p.TryGetProperty("fatal", out var fatal) && fatal.GetBoolean()),
        ChildRunStartedType => new ChildRunStarted(Guid.Parse(Str(p, "child_run_id")), Str(p, "agent_type"), Str(p, "task"), Str(p, "call_id")),
        ChildRunCompletedType => new ChildRunCompleted(Guid.Parse(Str(p, "child_run_id")), p.GetProperty("success").GetBoolean(), Str(p, "summary")),
        RunCancelledType => new RunCancelled(Str(p, "reason"), Str(p, "cancelled_by")),
        ApprovalGivenType => new ApprovalGiven(Str(p, "call_id"), Str(p, "approved_by"), p.GetProperty("given").GetInt32(), p.GetProperty("needed").GetInt32(),
            Raw(p, "approved_args"), OptStr(p, "feedback")),
        ApprovalEscalatedType => new ApprovalEscalated(Str(p, "call_id"), p.GetProperty("level").GetInt32(), OptTime(p, "next_escalation_at")),
        PreconditionChangedType => new PreconditionChanged(Str(p, "call_id"), Raw(p, "expected") ?? "null", Raw(p, "actual") ?? "null"),
        _ => throw new JsonException($"Unknown journal event type '{type}'."),
    };

    public static string Name(RiskClass risk) => risk.ToString().ToLowerInvariant();

    public static string Name(PolicyEffect effect) => effect switch
    {
        PolicyEffect.AutoApprove => "auto_approve",
        PolicyEffect.Deny => "deny",
        _ => "require",
    };

    public static bool TryParseEffect(string? value, out PolicyEffect effect)
    {
        effect = value switch { "auto_approve" => PolicyEffect.AutoApprove, "deny" => PolicyEffect.Deny, "require" => PolicyEffect.Require, _ => (PolicyEffect)(-1) };
        return Enum.IsDefined(effect);
    }

    public static JsonObject ToPayload(ApprovalRequirement r)
    {
        var o = new JsonObject
        {
            ["approvals_needed"] = r.Needed,
            ["roles"] = new JsonArray([.. (r.Roles.IsDefault ? [] : r.Roles).Select(role => JsonValue.Create(role))]),
            ["separate_duties"] = r.SeparateDuties,
            ["explanation"] = r.Explanation,
        };
        if (r.PolicyId is { } policy) o["policy_id"] = policy.ToString();
        if (r.RespondWithin is { } within) o["respond_within_seconds"] = within.TotalSeconds;
        return o;
    }

    private static ApprovalRequirement RequirementFrom(JsonElement r) => new(
        r.GetProperty("approvals_needed").GetInt32(),
        [.. r.GetProperty("roles").EnumerateArray().Select(e => e.GetString()!)],
        r.TryGetProperty("separate_duties", out var separate) && separate.GetBoolean(),
        OptGuid(r, "policy_id"),
        OptStr(r, "explanation") ?? "",
        r.TryGetProperty("respond_within_seconds", out var within) ? TimeSpan.FromSeconds(within.GetDouble()) : null);

    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset? OptTime(JsonElement p, string name) =>
        OptStr(p, name) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : null;

    public static string Name(ApprovalDecision decision) =>
        decision == ApprovalDecision.ChildEnded ? "child_ended" : decision.ToString().ToLowerInvariant();

    private static ApprovalDecision ParseDecision(string value) =>
        value == "child_ended" ? ApprovalDecision.ChildEnded : Parse<ApprovalDecision>(value);

    public static string Name(ToolResultStatus status) => status.ToString().ToLowerInvariant();

    public static string Name(RunStatus status) => status.ToString().ToLowerInvariant();

    public static RunStatus ParseStatus(string status) => Parse<RunStatus>(status);

    /// <summary>JSON text as a node; text that is not JSON (a model's malformed arguments) is kept as a string.</summary>
    public static JsonNode? Embed(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return JsonValue.Create(json);
        }
    }

    private static T Parse<T>(string value) where T : struct, Enum =>
        Enum.TryParse<T>(value, ignoreCase: true, out var parsed) ? parsed : throw new JsonException($"'{value}' is not a {typeof(T).Name}.");

    private static string Str(JsonElement p, string name) =>
        p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new JsonException($"Missing '{name}'.");

    private static string? OptStr(JsonElement p, string name) =>
        p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static Guid? OptGuid(JsonElement p, string name) => OptStr(p, name) is { } s ? Guid.Parse(s) : null;

    private static string? Raw(JsonElement p, string name) =>
        !p.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString()
        : v.GetRawText();
}
