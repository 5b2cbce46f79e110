using System.Globalization;
using System.Text.Json.Nodes;

namespace AgentOps.Governance;

/// <summary>Percentiles of time to decision, in seconds.</summary>
public sealed record DecisionTimes(int Count, double P50Seconds, double P95Seconds);

/// <summary>Approval analytics over a period, computed from the audit rows alone (<see cref="ApprovalStats.Compute"/>).</summary>
public sealed record ApprovalStatsReport(
    DateTimeOffset From,
    DateTimeOffset To,
    int Decisions,
    int Approved,
    int Rejected,
    int Expired,
    int Cancelled,
    int AutoApproved,
    int Escalations,
    IReadOnlyDictionary<string, DecisionTimes> TimeToDecisionByTool,
    IReadOnlyDictionary<string, DecisionTimes> TimeToDecisionByApprover,
    IReadOnlyDictionary<string, double> AutoApprovedShareByPolicy)
{
    public double ApprovalRate => Decisions == 0 ? 0 : (double)Approved / Decisions;
    public double RejectionRate => Decisions == 0 ? 0 : (double)Rejected / Decisions;
    public double ExpiryRate => Decisions == 0 ? 0 : (double)Expired / Decisions;
}

/// <summary>
/// The numbers of the analytics page as a pure function of audit rows: decisions are the rows that ended a wait
/// (approved, rejected, expired, cancelled); time to decision counts people's decisions only (a policy answers at once).
/// </summary>
public static class ApprovalStats
{
    private static readonly HashSet<string> Decisive = ["approved", "rejected", "expired", "cancelled"];

    public static ApprovalStatsReport Compute(IEnumerable<AuditRecord> rows, DateTimeOffset from, DateTimeOffset to)
    {
        var parsed = rows.Select(r => (Row: r, Record: JsonNode.Parse(r.Record)!.AsObject()))
            .Select(x => (x.Row, x.Record, At: Time(x.Record["at"])))
            .Where(x => x.At >= from && x.At < to)
            .ToList();
        var decisions = parsed.Where(x => Decisive.Contains(x.Row.Kind)).ToList();
        var byPeople = decisions.Where(x => (string?)x.Record["source"] == "person" && x.Row.Kind is "approved" or "rejected").ToList();

        static double Seconds((AuditRecord Row, JsonObject Record, DateTimeOffset At) x) => (x.At - Time(x.Record["proposed_at"])).TotalSeconds;

        var autoByPolicy = decisions.Where(x => x.Record["policy_id"] is not null)
            .GroupBy(x => (string)x.Record["policy_id"]!)
            .ToDictionary(g => g.Key, g => (double)g.Count(x => (string?)x.Record["source"] is "policy") / g.Count());
        return new ApprovalStatsReport(from, to,
            decisions.Count,
            decisions.Count(x => x.Row.Kind == "approved"),
            decisions.Count(x => x.Row.Kind == "rejected"),
            decisions.Count(x => x.Row.Kind == "expired"),
            decisions.Count(x => x.Row.Kind == "cancelled"),
            decisions.Count(x => x.Row.Kind == "approved" && (string?)x.Record["source"] is "policy" or "grant"),
            parsed.Count(x => x.Row.Kind == "escalated"),
            byPeople.GroupBy(x => (string)x.Record["tool_name"]!).ToDictionary(g => g.Key, g => Times(g.Select(Seconds))),
            byPeople.GroupBy(x => (string)x.Record["decided_by"]!).ToDictionary(g => g.Key, g => Times(g.Select(Seconds))),
            autoByPolicy);
    }

    /// <summary>Nearest-rank percentiles.</summary>
    public static DecisionTimes Times(IEnumerable<double> seconds)
    {
        var sorted = seconds.Order().ToList();
        if (sorted.Count == 0) return new DecisionTimes(0, 0, 0);
        double Rank(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
        return new DecisionTimes(sorted.Count, Math.Round(Rank(0.50), 3), Math.Round(Rank(0.95), 3));
    }

    private static DateTimeOffset Time(JsonNode? node) =>
        DateTimeOffset.Parse((string)node!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
