using AgentOps.Agents;
using AgentOps.Journal;
using AgentOps.Tests.Infrastructure;
using Npgsql;

namespace AgentOps.Tests.Postgres;

/// <summary>
/// Issue 11, defect 4: a journal append whose commit went through but whose acknowledgement was lost is retried with
/// the same events; that retry is a success, not a conflict retried for ever. Other events at those sequences are a conflict.
/// </summary>
public sealed class JournalStoreTests
{
    [Fact]
    public async Task Appending_the_same_events_again_is_a_success_and_other_events_at_those_sequences_a_conflict_on_postgres()
    {
        var connectionString = await PostgresServer.CreateMigratedDatabaseAsync("journal_store");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await AssertIdempotentAsync(new PostgresRunJournalStore(dataSource));
    }

    [Fact]
    public Task Appending_the_same_events_again_is_a_success_and_other_events_at_those_sequences_a_conflict_in_memory() =>
        AssertIdempotentAsync(new InMemoryRunJournalStore($"journal-{Guid.NewGuid():N}"));

    private static async Task AssertIdempotentAsync(IRunJournalStore store)
    {
        var run = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        var first = Entries(run, 1, new RunStarted("reconcile inventory", "u", "inventory", null, run, null, "admin@bookstore.com"));
        Assert.True(await store.AppendAsync(first, Summary(run, first)));
        var step = Entries(run, 2, new AgentThought("Reconciling."), new ToolProposed("reconcile_inventory", "{}", "call_1", RiskClass.Safe));
        Assert.True(await store.AppendAsync(step, Summary(run, [.. first, .. step])));

        // The acknowledgement of the second append was lost: the same events are sent again.
        Assert.True(await store.AppendAsync(step, Summary(run, [.. first, .. step])));
        // Different events at sequence 2 and 3 are a conflict.
        var other = Entries(run, 2, new AgentThought("Something else."), new ToolProposed("reconcile_inventory", "{}", "call_2", RiskClass.Safe));
        Assert.False(await store.AppendAsync(other, Summary(run, [.. first, .. other])));

        var stored = await store.ReadAsync(run);
        Assert.Equal(first.Concat(step).Select(e => (e.Sequence, e.Id)), stored.Select(e => (e.Sequence, e.Id)));
        // The runs list names who started the run.
        var listed = Assert.Single((await store.ListAsync(new RunQuery("u"))).Runs, r => r.Id == run);
        Assert.Equal("admin@bookstore.com", listed.RequestedBy);

        static IReadOnlyList<JournalEntry> Entries(Guid run, int from, params RunEvent[] events) =>
            [.. events.Select((e, i) => new JournalEntry(Guid.NewGuid(), run, from + i, DateTimeOffset.UtcNow, e))];
    }

    private static RunSummary Summary(Guid run, IReadOnlyList<JournalEntry> entries) => RunFold.Summary(RunFold.Replay(run, entries));
}
