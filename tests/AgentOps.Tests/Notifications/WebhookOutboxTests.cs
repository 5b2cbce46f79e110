using System.Collections.Immutable;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using AgentOps.Agents;
using AgentOps.Hosting;
using AgentOps.Journal;
using AgentOps.Notifications;
using AgentOps.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentOps.Tests.Notifications;

/// <summary>The outbox in the journal's transaction, and dispatchers sharing it, on PostgreSQL without a cluster.</summary>
public sealed class WebhookOutboxTests
{
    private static readonly WebhookSecretProtector Secrets = new(Options.Create(new WebhookOptions()));

    private static async Task<(NpgsqlDataSource DataSource, PostgresWebhookStore Store)> DatabaseAsync(string name)
    {
        var connectionString = await PostgresServer.CreateMigratedDatabaseAsync(name);
        var dataSource = NpgsqlDataSource.Create(connectionString);
        return (dataSource, new PostgresWebhookStore(dataSource, Secrets));
    }

    private static async Task<Webhook> WebhookAsync(PostgresWebhookStore store, string url, params string[] events)
    {
        var webhook = new Webhook(Guid.NewGuid(), url, [.. events], WebhookFormats.Json, true, "test", DateTimeOffset.UtcNow);
        await store.CreateAsync(webhook, "test-secret-0123456789");
        return webhook;
    }

    private static JournalEntry[] SuspendedRun(Guid run) =>
    [
        new(Guid.NewGuid(), run, 1, DateTimeOffset.UtcNow, new RunStarted("set stock", "u", "inventory", null, run, null, "admin@bookstore.com")),
        new(Guid.NewGuid(), run, 2, DateTimeOffset.UtcNow, new ToolProposed("set_stock", """{"quantity":33}""", "call-1", RiskClass.Dangerous)),
        new(Guid.NewGuid(), run, 3, DateTimeOffset.UtcNow, new RunSuspended("approval", null, "call-1", DateTimeOffset.UtcNow.AddHours(1))),
    ];

    /// <summary>Journals a run that suspends for approval: one approval.requested event for the outbox.</summary>
    private static async Task AppendSuspendedRunAsync(PostgresRunJournalStore journal, Guid run)
    {
        var entries = SuspendedRun(run);
        Assert.True(await journal.AppendAsync(entries, RunFold.Summary(RunFold.Replay(run, entries))));
    }

    private static async Task<string> StoredSecretAsync(NpgsqlDataSource dataSource, Guid webhookId)
    {
        await using var read = dataSource.CreateCommand("SELECT secret FROM agentops_webhooks WHERE webhook_id = $1");
        read.Parameters.AddWithValue(webhookId);
        return (string)(await read.ExecuteScalarAsync())!;
    }

    private static async Task<List<(Guid Delivery, Guid Webhook, Guid Event)>> RowsAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT delivery_id, webhook_id, event_id FROM agentops_webhook_deliveries");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(Guid, Guid, Guid)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2)));
        return rows;
    }

    [Fact]
    public async Task An_event_is_enqueued_once_per_subscribed_webhook_however_often_it_is_appended_and_never_when_the_append_is_refused()
    {
        var (dataSource, store) = await DatabaseAsync("outbox");
        await using var _ = dataSource;
        var subscribed = await WebhookAsync(store, "https://a.example.com", WebhookEvents.ApprovalRequested, WebhookEvents.RunFailed);
        await WebhookAsync(store, "https://b.example.com", WebhookEvents.RunFailed);
        var removed = await WebhookAsync(store, "https://c.example.com", WebhookEvents.ApprovalRequested);
        Assert.True(await store.DeactivateAsync(removed.Id));
        var journal = new PostgresRunJournalStore(dataSource);
        await using var __ = journal;

        var run = Guid.NewGuid();
        var entries = SuspendedRun(run);
        var summary = RunFold.Summary(RunFold.Replay(run, entries));
        Assert.True(await journal.AppendAsync(entries, summary));
        // The same append again (a retry after a lost acknowledgement): stored already, nothing more enqueued.
        Assert.True(await journal.AppendAsync(entries, summary));

        var suspended = entries[2].Id;
        var row = Assert.Single(await RowsAsync(dataSource));
        Assert.Equal((subscribed.Id, suspended), (row.Webhook, row.Event));
        // The delivery id is derived from (webhook, event): the same on every silo and every retry.
        Assert.Equal(Guid.ParseExact(Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{subscribed.Id}:{suspended}"))), "N"), row.Delivery);

        // A rival writer's events at taken sequences are refused as a whole: their webhook rows are not written either.
        JournalEntry[] rival = [entries[2] with { Id = Guid.NewGuid(), Event = new SystemError("rival", Fatal: true) }];
        Assert.False(await journal.AppendAsync(rival, summary));
        Assert.Single(await RowsAsync(dataSource));

        var page = await store.ListDeliveriesAsync(subscribed.Id, 10, 0);
        var delivery = Assert.Single(page.Deliveries);
        Assert.Equal((WebhookEvents.ApprovalRequested, DeliveryStatuses.Pending, 0), (delivery.EventType, delivery.Status, delivery.Attempts));
    }

    [Fact]
    public async Task Two_dispatchers_polling_the_same_outbox_send_every_delivery_exactly_once_when_all_answers_succeed()
    {
        var (dataSource, store) = await DatabaseAsync("dispatch");
        await using var _ = dataSource;
        await using var receiver = await WebhookReceiver.StartAsync(delay: TimeSpan.FromMilliseconds(30));
        var webhook = await WebhookAsync(store, receiver.Url, WebhookEvents.ApprovalRequested);
        var journal = new PostgresRunJournalStore(dataSource);
        await using var __ = journal;
        const int runs = 40;
        await Task.WhenAll(Enumerable.Range(0, runs).Select(async _ =>
        {
            var run = Guid.NewGuid();
            await AppendSuspendedRunAsync(journal, run);
        }));

        var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var options = Options.Create(new WebhookOptions { AllowPlainHttp = true, BatchSize = 3 });
        WebhookDispatcher Dispatcher() => new(store, services.GetRequiredService<IHttpClientFactory>(), options, NullLogger<WebhookDispatcher>.Instance);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = receiver.WaitUntilAsync(rs => rs.Select(r => r.DeliveryId).Distinct().Count() == runs, $"{runs} deliveries arrive");
        async Task PollAsync(WebhookDispatcher dispatcher)
        {
            while (!done.IsCompleted) await dispatcher.DispatchOnceAsync(stop.Token);
        }
        await Task.WhenAll(PollAsync(Dispatcher()), PollAsync(Dispatcher()), done);

        Assert.Equal(runs, receiver.Requests.Count);
        var page = await store.ListDeliveriesAsync(webhook.Id, 100, 0);
        Assert.Equal(runs, page.Total);
        Assert.All(page.Deliveries, d => Assert.Equal((DeliveryStatuses.Delivered, 1, 200), (d.Status, d.Attempts, d.LastStatusCode)));
    }

    [Fact]
    public async Task Racing_claims_never_hand_out_the_same_delivery_twice()
    {
        var (dataSource, store) = await DatabaseAsync("claims");
        await using var _ = dataSource;
        await WebhookAsync(store, "https://a.example.com", WebhookEvents.ApprovalRequested);
        var journal = new PostgresRunJournalStore(dataSource);
        await using var __ = journal;
        const int runs = 60;
        for (var i = 0; i < runs; i++)
        {
            var run = Guid.NewGuid();
            await AppendSuspendedRunAsync(journal, run);
        }

        // Eight claims at once, each wanting everything: every row goes to exactly one of them, leased, attempt 1.
        using var start = new ManualResetEventSlim();
        var claims = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await store.ClaimAsync(runs, TimeSpan.FromMinutes(1), CancellationToken.None);
        })).ToList();
        start.Set();
        var claimed = (await Task.WhenAll(claims)).SelectMany(c => c).ToList();

        Assert.Equal(runs, claimed.Count);
        Assert.Equal(runs, claimed.Select(c => c.Id).Distinct().Count());
        Assert.All(claimed, c => Assert.Equal(1, c.Attempt));
        // Leased: nothing is due until the lease runs out.
        Assert.Empty(await store.ClaimAsync(runs, TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task A_claim_skips_the_rows_another_claim_is_taking_instead_of_waiting_for_them()
    {
        var (dataSource, store) = await DatabaseAsync("skiplocked");
        await using var _ = dataSource;
        await WebhookAsync(store, "https://a.example.com", WebhookEvents.ApprovalRequested);
        var journal = new PostgresRunJournalStore(dataSource);
        await using var __ = journal;
        for (var i = 0; i < 6; i++)
        {
            var run = Guid.NewGuid();
            await AppendSuspendedRunAsync(journal, run);
        }

        // Another silo's claim, caught in the middle: it holds three rows locked and has not committed yet.
        await using var other = await dataSource.OpenConnectionAsync();
        await using var otherClaim = await other.BeginTransactionAsync();
        var taken = new List<Guid>();
        await using (var lockRows = new NpgsqlCommand("SELECT delivery_id FROM agentops_webhook_deliveries ORDER BY delivery_id LIMIT 3 FOR UPDATE", other, otherClaim))
        await using (var reader = await lockRows.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) taken.Add(reader.GetGuid(0));
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var claimed = await store.ClaimAsync(10, TimeSpan.FromMinutes(1), patience.Token);
        Assert.Equal(3, claimed.Count);
        Assert.Empty(claimed.Select(c => c.Id).Intersect(taken));

        await otherClaim.RollbackAsync();
        var rest = await store.ClaimAsync(10, TimeSpan.FromMinutes(1), patience.Token);
        Assert.Equal(taken.Order(), rest.Select(c => c.Id).Order());
    }

    [Fact]
    public async Task A_secret_is_stored_sealed_and_a_claimed_delivery_carries_it_unsealed()
    {
        var (dataSource, store) = await DatabaseAsync("sealed");
        await using var _ = dataSource;
        var webhook = await WebhookAsync(store, "https://a.example.com", WebhookEvents.ApprovalRequested);
        var journal = new PostgresRunJournalStore(dataSource);
        await using var __ = journal;
        var run = Guid.NewGuid();
        await AppendSuspendedRunAsync(journal, run);

        var stored = await StoredSecretAsync(dataSource, webhook.Id);
        Assert.StartsWith("v1:", stored);
        Assert.DoesNotContain("test-secret", stored);

        var claimed = Assert.Single(await store.ClaimAsync(10, TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Equal("test-secret-0123456789", claimed.Secret);
    }

    [Fact]
    public async Task Finished_deliveries_older_than_the_retention_are_removed_and_pending_ones_stay()
    {
        var (dataSource, store) = await DatabaseAsync("retention");
        await using var _ = dataSource;
        await WebhookAsync(store, "https://a.example.com", WebhookEvents.ApprovalRequested);
        var journal = new PostgresRunJournalStore(dataSource);
        await using var __ = journal;
        var runs = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var run in runs)
        {
            await AppendSuspendedRunAsync(journal, run);
        }
        var rows = await RowsAsync(dataSource);
        Assert.Equal(4, rows.Count);
        // Old delivered, old failed, old pending, recent delivered.
        var states = new[] { ("delivered", 40), ("failed", 40), ("pending", 40), ("delivered", 1) };
        for (var i = 0; i < rows.Count; i++)
        {
            await using var update = dataSource.CreateCommand(
                "UPDATE agentops_webhook_deliveries SET status = $2, created_at = now() - make_interval(days => $3) WHERE delivery_id = $1");
            update.Parameters.AddWithValue(rows[i].Delivery);
            update.Parameters.AddWithValue(states[i].Item1);
            update.Parameters.AddWithValue(states[i].Item2);
            await update.ExecuteNonQueryAsync();
        }

        Assert.Equal(1, await store.PurgeFinishedAsync(DateTimeOffset.UtcNow.AddDays(-30), 1, CancellationToken.None));
        Assert.Equal(1, await store.PurgeFinishedAsync(DateTimeOffset.UtcNow.AddDays(-30), 1000, CancellationToken.None));
        Assert.Equal(0, await store.PurgeFinishedAsync(DateTimeOffset.UtcNow.AddDays(-30), 1000, CancellationToken.None));

        Assert.Equal(new[] { rows[2].Delivery, rows[3].Delivery }.Order(), (await RowsAsync(dataSource)).Select(r => r.Delivery).Order());
    }

    [Fact]
    public async Task A_secret_stored_in_plain_text_before_sealing_is_sealed_once_and_still_signs()
    {
        var (dataSource, store) = await DatabaseAsync("reseal");
        await using var _ = dataSource;
        var webhook = await WebhookAsync(store, "https://a.example.com", WebhookEvents.ApprovalRequested);
        await using (var legacy = dataSource.CreateCommand("UPDATE agentops_webhooks SET secret = 'legacy-plain-secret-123' WHERE webhook_id = $1"))
        {
            legacy.Parameters.AddWithValue(webhook.Id);
            await legacy.ExecuteNonQueryAsync();
        }

        Assert.Equal(1, await store.SealPlainSecretsAsync(CancellationToken.None));
        Assert.Equal(0, await store.SealPlainSecretsAsync(CancellationToken.None));

        var stored = await StoredSecretAsync(dataSource, webhook.Id);
        Assert.StartsWith("v1:", stored);
        Assert.Equal("legacy-plain-secret-123", Secrets.Unprotect(webhook.Id, stored));
    }

    [Fact]
    public void A_sealed_secret_opens_only_with_its_key_and_its_webhook_id()
    {
        var id = Guid.NewGuid();
        var sealedSecret = Secrets.Protect(id, "s3cret-s3cret-s3cret");
        var otherKey = new WebhookSecretProtector(Options.Create(new WebhookOptions { SecretKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }));

        Assert.Equal("s3cret-s3cret-s3cret", Secrets.Unprotect(id, sealedSecret));
        Assert.NotEqual(sealedSecret, Secrets.Protect(id, "s3cret-s3cret-s3cret")); // a fresh nonce each time
        Assert.Null(Secrets.Unprotect(Guid.NewGuid(), sealedSecret));
        Assert.Null(otherKey.Unprotect(id, sealedSecret));
        Assert.Null(Secrets.Unprotect(id, "v1:not-base64!"));
        // A row written before secrets were sealed is read as it is.
        Assert.Equal("plain-legacy-secret", Secrets.Unprotect(id, "plain-legacy-secret"));
    }

    [Fact]
    public async Task A_delivery_that_keeps_failing_is_marked_failed_after_the_last_attempt()
    {
        var (dataSource, store) = await DatabaseAsync("giveup");
        await using var _ = dataSource;
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: int.MaxValue);
        var webhook = await WebhookAsync(store, receiver.Url, WebhookEvents.ApprovalRequested);
        var journal = new PostgresRunJournalStore(dataSource);
        await using var __ = journal;
        var run = Guid.NewGuid();
        await AppendSuspendedRunAsync(journal, run);

        var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var options = Options.Create(new WebhookOptions { AllowPlainHttp = true, MaxAttempts = 3, RetryBaseDelay = TimeSpan.FromMilliseconds(50) });
        var dispatcher = new WebhookDispatcher(store, services.GetRequiredService<IHttpClientFactory>(), options, NullLogger<WebhookDispatcher>.Instance);
        WebhookDelivery? delivery = null;
        await Scenario.EventuallyAsync(async () =>
        {
            await dispatcher.DispatchOnceAsync(CancellationToken.None);
            delivery = (await store.ListDeliveriesAsync(webhook.Id, 10, 0)).Deliveries.Single();
            return delivery.Status != DeliveryStatuses.Pending;
        }, TimeSpan.FromSeconds(30), "the delivery is given up");

        Assert.Equal((DeliveryStatuses.Failed, 3, 500), (delivery!.Status, delivery.Attempts, delivery.LastStatusCode));
        Assert.Equal("HTTP 500 Internal Server Error", delivery.LastError);
        Assert.Equal(3, receiver.Requests.Count);
        Assert.Equal(0, await dispatcher.DispatchOnceAsync(CancellationToken.None));
        Assert.Equal((int)HttpStatusCode.InternalServerError, receiver.Requests[^1].Answered);
    }

    [Fact]
    public async Task A_webhook_whose_name_resolves_to_a_private_address_is_not_posted_to_and_a_reachable_one_is()
    {
        var (dataSource, store) = await DatabaseAsync("private_hosts");
        await using var _ = dataSource;
        await using var receiver = await WebhookReceiver.StartAsync();
        // Registered as a name (as if it resolved publicly then); it resolves to loopback when the dispatcher connects.
        var webhook = await WebhookAsync(store, receiver.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal), WebhookEvents.ApprovalRequested);
        var journal = new PostgresRunJournalStore(dataSource);
        await using var __ = journal;
        var run = Guid.NewGuid();
        await AppendSuspendedRunAsync(journal, run);
        var options = Options.Create(new WebhookOptions { AllowPlainHttp = true, MaxAttempts = 1 });

        WebhookDispatcher Dispatcher(Func<IPAddress, bool> reachable)
        {
            var services = new ServiceCollection();
            services.AddHttpClient(WebhookDispatcher.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => WebhookAddressGuard.CreateHandler(reachable));
            return new WebhookDispatcher(store, services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>(), options, NullLogger<WebhookDispatcher>.Instance);
        }

        // The cluster's rule: loopback is not public, so nothing is sent and the attempt says why.
        Assert.Equal(1, await Dispatcher(WebhookAddressGuard.IsPublic).DispatchOnceAsync(CancellationToken.None));
        var refused = (await store.ListDeliveriesAsync(webhook.Id, 10, 0)).Deliveries.Single();
        Assert.Equal((DeliveryStatuses.Failed, 1), (refused.Status, refused.Attempts));
        Assert.Contains("private, loopback or link-local", refused.LastError);
        Assert.Empty(receiver.Requests);

        // The same guarded connection path, allowed to reach loopback, delivers (the path itself works).
        var second = Guid.NewGuid();
        var again = SuspendedRun(second);
        Assert.True(await journal.AppendAsync(again, RunFold.Summary(RunFold.Replay(second, again))));
        Assert.Equal(1, await Dispatcher(IPAddress.IsLoopback).DispatchOnceAsync(CancellationToken.None));
        Assert.Equal(DeliveryStatuses.Delivered, (await store.ListDeliveriesAsync(webhook.Id, 10, 0)).Deliveries.Single(d => d.Status != DeliveryStatuses.Failed).Status);
        Assert.Equal(second.ToString(), Assert.Single(receiver.Requests).RunId);
    }
}
