using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AgentOps.Agents;
using AgentOps.Journal;

namespace AgentOps.Governance;

/// <summary>An audit row to append, derived from one journal event.</summary>
public sealed record AuditEntry(Guid EventId, Guid RunId, string CallId, string Kind, string Record);

/// <summary>
/// The approval audit as a projection of the journal: which events of an append are decisions (or approvals,
/// escalations, executions) and what each row records. Written in the journal's own transaction, so a decision is
/// in both or in neither. Pure: the stores and the tests share it, and <see cref="Verify"/> checks the chain.
/// </summary>
public static class ApprovalAudit
{
    public static readonly string Genesis = new('0', 64);

    public static IReadOnlyList<AuditEntry> From(RunState before, IReadOnlyList<JournalEntry> updates)
    {
        List<AuditEntry>? rows = null;
        var state = before.Copy();
        string? skippedResult = null;
        foreach (var entry in updates)
        {
            var pending = state.Pending;
            JsonObject? record = null;
            switch (entry.Event)
            {
                case RunResumed e when e.Decision != ApprovalDecision.ChildEnded && pending?.CallId == e.CallId:
                    record = Row(JournalCodec.Name(e.Decision), state, pending, entry, e.DecidedBy);
                    if (e.Decision == ApprovalDecision.Approved) record["approved_args_hash"] = ArgsHash(e.ApprovedArgs ?? pending.EffectiveArgs);
                    if (e.Explanation is { } why) record["explanation"] = why;
                    if (e.Feedback is { } feedback) record["feedback"] = feedback;
                    record["approvals"] = new JsonArray([.. pending.Votes.Select(v => JsonValue.Create(v.By)), JsonValue.Create(e.DecidedBy)]);
                    break;
                case ApprovalGiven e when pending?.CallId == e.CallId:
                    record = Row("approval_given", state, pending, entry, e.ApprovedBy);
                    record["approved_args_hash"] = ArgsHash(e.ApprovedArgs ?? pending.EffectiveArgs);
                    record["given"] = e.Given;
                    record["needed"] = e.Needed;
                    break;
                case ApprovalEscalated e when pending?.CallId == e.CallId:
                    record = Row("escalated", state, pending, entry, "system");
                    record["level"] = e.Level;
                    break;
                case PreconditionChanged e when pending?.CallId == e.CallId:
                    record = Row("precondition_changed", state, pending, entry, "system");
                    record["expected"] = e.Expected;
                    record["actual"] = e.Actual;
                    skippedResult = e.CallId;
                    break;
                case ToolResult e when pending is { Risk: RiskClass.Dangerous, Decision: ApprovalDecision.Approved } && pending.CallId == e.CallId && skippedResult != e.CallId:
                    // A call refused at execution (its requester lost the right meanwhile) did not run: not an execution.
                    record = Row(e.Status == ToolResultStatus.Error && e.OutputData.Contains("\"error\":\"forbidden:", StringComparison.Ordinal) ? "refused" : "executed",
                        state, pending, entry, $"agent:{state.AgentType}");
                    record["executed_args_hash"] = ArgsHash(pending.EffectiveArgs);
                    record["status"] = JournalCodec.Name(e.Status);
                    break;
                case RunCancelled e when pending is { AwaitingApproval: true }:
                    record = Row("cancelled", state, pending, entry, e.CancelledBy);
                    break;
            }
            if (record is not null)
            {
                (rows ??= []).Add(new AuditEntry(entry.Id, state.Id, pending!.CallId, (string)record["kind"]!, record.ToJsonString()));
            }
            RunFold.Apply(state, entry);
        }
        return rows ?? (IReadOnlyList<AuditEntry>)[];
    }

    /// <summary>SHA-256 of the arguments as compact JSON, hex: equal arguments give equal hashes.</summary>
    public static string ArgsHash(string args)
    {
        string canonical;
        try
        {
            canonical = JsonNode.Parse(args)?.ToJsonString() ?? "null";
        }
        catch (System.Text.Json.JsonException)
        {
            canonical = args;
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>When a row's event happened: its record's <c>at</c> (what schema 014 copies into the row's time column); null without one.</summary>
    public static DateTimeOffset? TimeOf(string record)
    {
        try
        {
            return JsonNode.Parse(record)?["at"] is JsonValue at && at.TryGetValue<string>(out var text)
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // a record that is not JSON (edited by hand) has no time; verify names the row
        }
    }

    /// <summary>A row's hash: SHA-256 over the previous row's hash followed by the row's record (what PostgreSQL computes too).</summary>
    public static string Hash(string previousHash, string record) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previousHash + record)));

    /// <summary>Checks every row's link to the one before and its own hash, in sequence order; reports the first row that fails.</summary>
    public static AuditVerification Verify(IEnumerable<AuditRecord> rows, string? previousHash = null)
    {
        var previous = previousHash ?? Genesis;
        long count = 0;
        foreach (var row in rows)
        {
            count++;
            if (row.PreviousHash != previous)
                return new AuditVerification(false, count, row.Sequence, "its previous_hash is not the hash of the row before it (a row was removed, inserted or changed)");
            if (Hash(row.PreviousHash, row.Record) != row.Hash)
                return new AuditVerification(false, count, row.Sequence, "its hash does not match its contents (the row was changed)");
            if (!MatchesColumns(row))
                return new AuditVerification(false, count, row.Sequence, "its run, call or kind columns differ from its record (the row was changed)");
            if (!SameTime(row.At, TimeOf(row.Record)))
                return new AuditVerification(false, count, row.Sequence, "its time column differs from its record's at (the row was changed)");
            previous = row.Hash;
        }
        return new AuditVerification(true, count, null, null);
    }

    // PostgreSQL keeps microseconds; the records' times are already whole microseconds (the run grain's clock).
    private static bool SameTime(DateTimeOffset? column, DateTimeOffset? record) =>
        column is null ? record is null : record is not null && Math.Abs((column.Value - record.Value).Ticks) < 10;

    private static bool MatchesColumns(AuditRecord row)
    {
        try
        {
            var record = JsonNode.Parse(row.Record)!.AsObject();
            return (string?)record["run_id"] == row.RunId.ToString() && (string?)record["call_id"] == row.CallId && (string?)record["kind"] == row.Kind;
        }
        catch (Exception)
        {
            return false;
        }
    }

    private static JsonObject Row(string kind, RunState state, PendingCall pending, JournalEntry entry, string decidedBy)
    {
        var record = new JsonObject
        {
            ["kind"] = kind,
            ["run_id"] = state.Id.ToString(),
            ["call_id"] = pending.CallId,
            ["tool_name"] = pending.ToolName,
            ["at"] = entry.CreatedAt.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["decided_by"] = decidedBy,
            ["source"] = SourceOf(decidedBy),
            ["requested_by"] = state.RequestedBy,
            ["proposed_at"] = pending.ProposedAt.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["proposed_args_hash"] = ArgsHash(pending.Args),
        };
        if (decidedBy.StartsWith("policy:", StringComparison.Ordinal)) record["policy_id"] = decidedBy["policy:".Length..];
        else if (pending.Requirement?.PolicyId is { } policy) record["policy_id"] = policy.ToString();
        if (decidedBy.StartsWith("grant:", StringComparison.Ordinal)) record["grant_id"] = decidedBy["grant:".Length..];
        return record;
    }

    private static string SourceOf(string decidedBy) =>
        decidedBy.StartsWith("policy:", StringComparison.Ordinal) ? "policy"
        : decidedBy.StartsWith("grant:", StringComparison.Ordinal) ? "grant"
        : decidedBy is "system" ? "clock"
        : decidedBy.StartsWith("agent:", StringComparison.Ordinal) ? "agent"
        : "person";
}
