using System.Text.Json.Nodes;
using AgentOps.Governance;

namespace AgentOps.Tests.Governance;

/// <summary>The analytics numbers as a pure function of audit rows.</summary>
public sealed class ApprovalStatsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static long _sequence;

    private static AuditRecord Row(string kind, string tool, string by, double secondsToDecide, string? policy = null, int at = 0)
    {
        var decidedAt = T0.AddMinutes(at).AddSeconds(secondsToDecide);
        var record = new JsonObject
        {
            ["kind"] = kind, ["tool_name"] = tool, ["decided_by"] = by, ["at"] = decidedAt.ToString("O"), ["proposed_at"] = T0.AddMinutes(at).ToString("O"),
            ["source"] = by.StartsWith("policy:", StringComparison.Ordinal) ? "policy" : by == "system" ? "clock" : "person",
        };
        if (policy is not null) record["policy_id"] = policy;
        return new AuditRecord(++_sequence, Guid.NewGuid(), "call", kind, record.ToJsonString(), "", "");
    }

    [Fact]
    public void Rates_percentiles_and_automatic_shares_come_from_the_decisions_in_the_period()
    {
        AuditRecord[] rows =
        [
            Row("approved", "set_stock", "admin@bookstore.com", 10),
            Row("approved", "set_stock", "admin@bookstore.com", 20),
            Row("rejected", "set_stock", "ops@bookstore.com", 40),
            Row("approved", "restart_warehouse", "policy:p1", 0, policy: "p1"),
            Row("approved", "restart_warehouse", "ops@bookstore.com", 30, policy: "p1"),
            Row("expired", "set_stock", "system", 86400),
            Row("escalated", "set_stock", "system", 60),
            Row("approved", "set_stock", "admin@bookstore.com", 5, at: 60 * 24 * 30), // outside the period
        ];
        var report = ApprovalStats.Compute(rows, T0, T0.AddDays(2));

        Assert.Equal((6, 4, 1, 1, 1, 1), (report.Decisions, report.Approved, report.Rejected, report.Expired, report.AutoApproved, report.Escalations));
        Assert.Equal(new DecisionTimes(3, 20, 40), report.TimeToDecisionByTool["set_stock"]);
        Assert.Equal(new DecisionTimes(2, 10, 20), report.TimeToDecisionByApprover["admin@bookstore.com"]);
        Assert.Equal(0.5, report.AutoApprovedShareByPolicy["p1"]);
        Assert.Equal(4.0 / 6, report.ApprovalRate, 6);
    }
}
