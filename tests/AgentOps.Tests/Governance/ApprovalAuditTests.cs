using AgentOps.Agents;
using AgentOps.Governance;
using AgentOps.Journal;

namespace AgentOps.Tests.Governance;

/// <summary>The audit as a projection of the journal, and the chain check.</summary>
public sealed class ApprovalAuditTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<AuditRecord> Chain(IEnumerable<AuditEntry> entries)
    {
        var rows = new List<AuditRecord>();
        foreach (var e in entries)
        {
            var previous = rows.Count > 0 ? rows[^1].Hash : ApprovalAudit.Genesis;
            rows.Add(new AuditRecord(rows.Count + 1, e.RunId, e.CallId, e.Kind, e.Record, previous, ApprovalAudit.Hash(previous, e.Record), ApprovalAudit.TimeOf(e.Record)));
        }
        return rows;
    }

    private static (RunState State, List<JournalEntry> Entries) Approved(string? editedArgs)
    {
        var run = Guid.NewGuid();
        var events = new RunEvent[]
        {
            new RunStarted("p", "u", "inventory", null, run, null, "carol@bookstore.test"),
            new ToolProposed("set_stock", """{"warehouse":"w","quantity":5}""", "call_1", RiskClass.Dangerous),
            new RunSuspended("wait", null, "call_1", At.AddHours(1)),
            new RunResumed(ApprovalDecision.Approved, null, "call_1", "admin@bookstore.com", editedArgs),
            new ToolResult("call_1", "{}", ToolResultStatus.Success),
        };
        var entries = events.Select((e, i) => new JournalEntry(Guid.NewGuid(), run, i + 1, At.AddSeconds(i), e)).ToList();
        return (new RunState { Id = run }, entries);
    }

    [Fact]
    public void An_approval_and_its_execution_record_the_same_arguments_hash()
    {
        var (state, entries) = Approved("""{"warehouse":"w", "quantity":6}""");
        var rows = ApprovalAudit.From(state, entries);
        Assert.Equal(["approved", "executed"], rows.Select(r => r.Kind));
        var approved = System.Text.Json.JsonDocument.Parse(rows[0].Record).RootElement;
        var executed = System.Text.Json.JsonDocument.Parse(rows[1].Record).RootElement;
        Assert.Equal(approved.GetProperty("approved_args_hash").GetString(), executed.GetProperty("executed_args_hash").GetString());
        Assert.NotEqual(approved.GetProperty("proposed_args_hash").GetString(), approved.GetProperty("approved_args_hash").GetString());
        Assert.Equal(ApprovalAudit.ArgsHash("""{"warehouse":"w","quantity":6}"""), approved.GetProperty("approved_args_hash").GetString());
        Assert.Equal("person", approved.GetProperty("source").GetString());
    }

    [Fact]
    public void An_intact_chain_verifies_and_an_edited_row_is_named_by_its_sequence()
    {
        var (state, entries) = Approved(null);
        var rows = Chain(ApprovalAudit.From(state, entries).Concat(ApprovalAudit.From(Approved(null).State, Approved(null).Entries))).ToList();
        Assert.True(ApprovalAudit.Verify(rows).Ok);

        var edited = rows.ToList();
        Assert.Contains("admin@bookstore.com", edited[2].Record);
        edited[2] = edited[2] with { Record = edited[2].Record.Replace("admin@bookstore.com", "mallory@bookstore.com", StringComparison.Ordinal) };
        var verdict = ApprovalAudit.Verify(edited);
        Assert.False(verdict.Ok);
        Assert.Equal(3, verdict.FirstBrokenSequence);

        var removed = rows.Where(r => r.Sequence != 2).ToList();
        Assert.Equal(3, ApprovalAudit.Verify(removed).FirstBrokenSequence);
    }

    [Fact]
    public void A_row_whose_time_column_no_longer_matches_its_record_is_named_by_its_sequence()
    {
        // The time column is what periods (the stats) are read by; moving it would hide a decision from a period.
        var (state, entries) = Approved(null);
        var rows = Chain(ApprovalAudit.From(state, entries)).ToList();
        Assert.NotNull(rows[1].At);
        rows[1] = rows[1] with { At = rows[1].At!.Value.AddDays(-30) };
        var verdict = ApprovalAudit.Verify(rows);
        Assert.False(verdict.Ok);
        Assert.Equal(2, verdict.FirstBrokenSequence);
        Assert.Contains("time column", verdict.Problem);
        rows[1] = rows[1] with { At = null };
        Assert.Equal(2, ApprovalAudit.Verify(rows).FirstBrokenSequence);
    }

    [Fact]
    public void An_attempt_with_an_unknown_outcome_is_counted_on_the_open_call()
    {
        var (state, entries) = Approved(null);
        foreach (var entry in entries.Take(4)) RunFold.Apply(state, entry);
        Assert.Equal(0, state.Pending!.Attempts);
        RunFold.Apply(state, new JournalEntry(Guid.NewGuid(), state.Id, 5, At.AddSeconds(5), new SystemError("timed out", Fatal: false)));
        Assert.Equal(1, state.Pending!.Attempts);
    }
}
