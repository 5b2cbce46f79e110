using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Agents;
using AgentOps.Journal;

namespace AgentOps.Notifications;

/// <summary>
/// Which journal events are webhook events, and their bodies: snake_case JSON like the journal, naming the event, the
/// run and the call, so that a receiver needs no further request to act on it.
/// </summary>
public static class WebhookPayloads
{
    /// <summary>The webhook event a journal event announces; null for the events nobody is notified of.</summary>
    public static string? EventOf(RunEvent e) => e switch
    {
        RunSuspended { CallId: not null } => WebhookEvents.ApprovalRequested,
        ApprovalEscalated => WebhookEvents.ApprovalEscalated,
        RunResumed { Decision: ApprovalDecision.Approved or ApprovalDecision.Rejected or ApprovalDecision.Expired } => WebhookEvents.ApprovalDecided,
        SystemError { Fatal: true } => WebhookEvents.RunFailed,
        _ => null,
    };

    /// <summary>The call an approval event is about; null for run events.</summary>
    public static string? CallOf(RunEvent e) => e switch
    {
        RunSuspended x => x.CallId,
        ApprovalEscalated x => x.CallId,
        RunResumed x => x.CallId,
        _ => null,
    };

    /// <summary>
    /// The body of <paramref name="entry"/> as event <paramref name="type"/>. The call's tool, arguments and requester
    /// come from the run's pending approval when it is still this call; otherwise they are absent here and the outbox
    /// adds them from the journal.
    /// </summary>
    public static JsonObject Build(string type, JournalEntry entry, RunSummary summary)
    {
        var o = new JsonObject
        {
            ["event"] = type,
            ["event_id"] = entry.Id.ToString(),
            ["occurred_at"] = Time(entry.CreatedAt),
            ["run_id"] = entry.RunId.ToString(),
            ["root_run_id"] = summary.RootRunId.ToString(),
            ["agent_type"] = summary.AgentType,
            ["user_id"] = summary.UserId,
        };
        var call = CallOf(entry.Event);
        if (call is not null)
        {
            o["call_id"] = call;
            if (summary.PendingApproval is { } pending && pending.CallId == call)
            {
                o["tool_name"] = pending.ToolName;
                o["args"] = JournalCodec.Embed(pending.Args);
                o["requested_by"] = pending.RequestedBy;
                o["escalation_level"] = pending.EscalationLevel;
                o["approvals_needed"] = pending.Needed;
                o["expires_at"] = Time(pending.ExpiresAt);
                if (pending.EscalateAt is { } escalateAt) o["escalate_at"] = Time(escalateAt);
                if (pending.PolicyId is { } policy) o["policy_id"] = policy.ToString();
            }
        }
        switch (entry.Event)
        {
            case ApprovalEscalated x:
                o["escalation_level"] = x.Level;
                if (x.NextEscalationAt is { } next) o["next_escalation_at"] = Time(next);
                break;
            case RunResumed x:
                o["decision"] = JournalCodec.Name(x.Decision);
                o["decided_by"] = x.DecidedBy;
                if (x.Explanation is { } explanation) o["explanation"] = explanation;
                if (x.Feedback is { } feedback) o["feedback"] = feedback;
                if (x.ApprovedArgs is { } approved) o["approved_args"] = JournalCodec.Embed(approved);
                break;
            case SystemError x:
                o["error_details"] = x.ErrorDetails;
                break;
        }
        return o;
    }

    /// <summary>A Slack incoming-webhook body (<c>{"text": …}</c>) for a stored JSON payload.</summary>
    public static string Slack(string payload)
    {
        using var document = JsonDocument.Parse(payload);
        var p = document.RootElement;
        string? Get(string name) => p.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()
            : null;

        var run = $"run {Get("run_id")} ({Get("agent_type")})";
        var tool = Get("tool_name") is { } name ? $"`{name}` {Get("args")}" : $"call {Get("call_id")}";
        var text = Get("event") switch
        {
            WebhookEvents.ApprovalRequested => $":raised_hand: Approval requested: {tool} in {run}" + (Get("requested_by") is { } by ? $", requested by {by}" : ""),
            WebhookEvents.ApprovalEscalated => $":rotating_light: Approval escalated to level {Get("escalation_level")}: {tool} in {run} is still waiting",
            WebhookEvents.ApprovalDecided => $":white_check_mark: Approval {Get("decision")} by {Get("decided_by")}: {tool} in {run}"
                + (Get("explanation") is { } why ? $" ({why})" : ""),
            WebhookEvents.RunFailed => $":x: Run failed: {run}: {Get("error_details")}",
            var other => $"AgentOps event {other} for {run}",
        };
        return new JsonObject { ["text"] = text }.ToJsonString();
    }

    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
