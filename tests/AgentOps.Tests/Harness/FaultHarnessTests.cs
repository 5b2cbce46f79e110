using System.Text.Json;
using AgentOps.FaultHarness;

namespace AgentOps.Tests.Harness;

/// <summary>The fault harness's own logic: plans replay from their seed, and its reading of a journal.</summary>
public sealed class FaultHarnessTests
{
    [Fact]
    public void The_same_seed_and_schedule_always_give_the_same_plan()
    {
        var first = SchedulePlan.Create(schedule: 2, seed: 7, TimeSpan.FromSeconds(30), orderRate: 4);
        var again = SchedulePlan.Create(schedule: 2, seed: 7, TimeSpan.FromSeconds(30), orderRate: 4);

        Assert.Equal(first.Describe(), again.Describe());
        Assert.Equal(first.Seed, again.Seed);
    }

    [Fact]
    public void Another_schedule_or_seed_gives_another_plan()
    {
        var plan = SchedulePlan.Create(0, 1, TimeSpan.FromSeconds(30), 4).Describe();

        Assert.NotEqual(plan, SchedulePlan.Create(1, 1, TimeSpan.FromSeconds(30), 4).Describe());
        Assert.NotEqual(plan, SchedulePlan.Create(0, 2, TimeSpan.FromSeconds(30), 4).Describe());
    }

    [Fact]
    public void Over_a_few_seeds_every_fault_kind_and_every_decision_is_planned()
    {
        var plans = Enumerable.Range(1, 40).Select(seed => SchedulePlan.Create(0, seed, TimeSpan.FromSeconds(45), 4)).ToList();

        Assert.Equal(Enum.GetValues<FaultKind>().Order(), plans.SelectMany(p => p.Faults).Select(f => f.Kind).Distinct().Order());
        Assert.Equal(Enum.GetValues<DecisionKind>().Order(), plans.SelectMany(p => p.Ops).OfType<RunOp>().Select(r => r.Decision).Distinct().Order());
        Assert.Equal(Enum.GetValues<RunKind>().Order(), plans.SelectMany(p => p.Ops).OfType<RunOp>().Select(r => r.Kind).Distinct().Order());
        Assert.All(plans.SelectMany(p => p.Faults), f => Assert.InRange(f.At, TimeSpan.Zero, TimeSpan.FromSeconds(45)));
        Assert.All(plans.SelectMany(p => p.Faults).Where(f => f.Kind == FaultKind.StallSilo), f => Assert.InRange(f.Hold, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void A_journal_waiting_for_a_decision_folds_to_suspended_on_that_call()
    {
        var run = Journal(
            ("RUN_STARTED", """{"prompt":"p","user_id":"u","agent_type":"inventory","root_run_id":"00000000-0000-0000-0000-000000000001"}"""),
            ("TOOL_PROPOSED", """{"tool_name":"set_stock","args":{},"call_id":"call_1","risk":"dangerous"}"""),
            ("RUN_SUSPENDED", """{"reason":"r","call_id":"call_1","expires_at":"2030-01-01T00:00:00.0000000Z"}"""));

        Assert.Equal("suspended", run.Status);
        Assert.Equal("call_1", run.AwaitingCall);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), run.AwaitingExpiresAt);
        Assert.False(run.IsTerminal);
    }

    [Fact]
    public void Events_after_the_end_of_a_run_are_reported_and_do_not_change_its_status()
    {
        var run = Journal(
            ("RUN_STARTED", """{"prompt":"p","user_id":"u","agent_type":"inventory","root_run_id":"00000000-0000-0000-0000-000000000001"}"""),
            ("RUN_CANCELLED", """{"reason":"r","cancelled_by":"admin"}"""),
            ("TOOL_RESULT", """{"call_id":"call_1","output_data":{},"status":"success"}"""));

        Assert.Equal("cancelled", run.Status);
        Assert.Equal([3], run.AfterEnd.Select(e => e.Sequence));
    }

    private static RunJournal Journal(params (string Type, string Payload)[] events) =>
        new(Guid.NewGuid(), [.. events.Select((e, i) => new JournalEvent(i + 1, e.Type, JsonSerializer.Deserialize<JsonElement>(e.Payload), DateTimeOffset.UtcNow))]);
}
