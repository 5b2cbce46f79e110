using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentOps.Agents;
using AgentOps.Notifications;
using AgentOps.Tests.Infrastructure;
using Npgsql;

namespace AgentOps.Tests.Notifications;

/// <summary>Webhooks end to end: a run on PostgreSQL, the outbox, the dispatcher, a local receiver, the HTTP API.</summary>
[Collection(WebhookAppCollection.Name)]
public sealed class WebhookDeliveryTests(WebhookAppFixture app)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private async Task<(string Id, string Secret)> CreateWebhookAsync(string url, params string[] events)
    {
        var created = await app.Admin().PostAsJsonAsync("/agents/webhooks", new { url, events });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetString()!, body.GetProperty("secret").GetString()!);
    }

    /// <summary>A set_stock proposal: dangerous, so the run suspends for approval.</summary>
    private async Task<(Guid Run, string CallId)> SuspendedRunAsync()
    {
        var scenario = new Scenario(app.Grains);
        var book = await scenario.BookAsync();
        var warehouse = await scenario.WarehouseAsync("hook", (book.Id, 7));
        var run = await Runs.StartAsync(app.Grains, $"Set stock of {book.Title} at {warehouse} to 33", "inventory");
        var view = await Runs.WaitForAsync(app.Grains, run, RunStatus.Suspended);
        return (run, view.PendingTool!.CallId);
    }

    private async Task<JsonElement> DeliveryOfEventAsync(string webhookId, string deliveryId, Func<JsonElement, bool> condition, string because)
    {
        JsonElement found = default;
        await Scenario.EventuallyAsync(async () =>
        {
            var page = await app.Admin().GetFromJsonAsync<JsonElement>($"/agents/webhooks/{webhookId}/deliveries");
            found = page.GetProperty("deliveries").EnumerateArray().FirstOrDefault(d => d.GetProperty("id").GetString() == deliveryId);
            return found.ValueKind == JsonValueKind.Object && condition(found);
        }, Patience, because);
        return found;
    }

    private async Task<long> OutboxRowsAsync(string webhookId, Guid eventId)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM agentops_webhook_deliveries WHERE webhook_id = $1 AND event_id = $2", connection);
        count.Parameters.AddWithValue(Guid.Parse(webhookId));
        count.Parameters.AddWithValue(eventId);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_call_waiting_for_approval_is_posted_once_as_approval_requested_signed_with_the_secret_and_its_decision_follows()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (webhookId, secret) = await CreateWebhookAsync(receiver.Url, WebhookEvents.ApprovalRequested, WebhookEvents.ApprovalDecided);
        try
        {
            var (run, callId) = await SuspendedRunAsync();
            bool Requested(WebhookReceiver.Request r) => r.RunId == run.ToString() && r.Event == WebhookEvents.ApprovalRequested;
            var received = (await receiver.WaitUntilAsync(rs => rs.Any(Requested), "approval.requested of the run arrives")).Single(Requested);

            Assert.True(WebhookSignature.Verify(secret, received.Body, received.Signature), $"signature {received.Signature} does not verify");
            Assert.Equal(WebhookSignature.Sign(secret, received.Body), received.Signature);
            var payload = received.Json;
            Assert.Equal(WebhookEvents.ApprovalRequested, payload.GetProperty("event").GetString());
            Assert.Equal(callId, payload.GetProperty("call_id").GetString());
            Assert.Equal("set_stock", payload.GetProperty("tool_name").GetString());
            Assert.Equal(33, payload.GetProperty("args").GetProperty("quantity").GetInt32());
            Assert.Equal(Runs.Admin, payload.GetProperty("requested_by").GetString());
            Assert.Equal("inventory", payload.GetProperty("agent_type").GetString());
            Assert.Equal(0, payload.GetProperty("escalation_level").GetInt32());
            var eventId = Guid.Parse(payload.GetProperty("event_id").GetString()!);

            var delivery = await DeliveryOfEventAsync(webhookId, received.DeliveryId!, d => d.GetProperty("status").GetString() == DeliveryStatuses.Delivered,
                "the delivery is recorded as delivered");
            Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
            Assert.Equal(200, delivery.GetProperty("last_status_code").GetInt32());
            Assert.Equal(eventId.ToString(), delivery.GetProperty("event_id").GetString());
            Assert.Single(receiver.Requests, Requested);
            Assert.Equal(1, await OutboxRowsAsync(webhookId, eventId));

            // The decided call is no longer pending: its tool and requester come from the journal.
            Assert.Null((await app.Grains.GetGrain<IAgentRunGrain>(run).DecideAsync(new RunDecision(ApprovalDecision.Approved, Runs.Admin, callId))).Error);
            bool Decided(WebhookReceiver.Request r) => r.RunId == run.ToString() && r.Event == WebhookEvents.ApprovalDecided;
            var decided = (await receiver.WaitUntilAsync(rs => rs.Any(Decided), "approval.decided of the run arrives")).Single(Decided).Json;
            Assert.Equal("approved", decided.GetProperty("decision").GetString());
            Assert.Equal(Runs.Admin, decided.GetProperty("decided_by").GetString());
            Assert.Equal(callId, decided.GetProperty("call_id").GetString());
            Assert.Equal("set_stock", decided.GetProperty("tool_name").GetString());
            Assert.Equal(Runs.Admin, decided.GetProperty("requested_by").GetString());
        }
        finally
        {
            await app.Admin().DeleteAsync($"/agents/webhooks/{webhookId}");
        }
    }

    [Fact]
    public async Task A_call_past_its_response_deadline_is_posted_as_approval_escalated_once_per_level()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (webhookId, secret) = await CreateWebhookAsync(receiver.Url, WebhookEvents.ApprovalEscalated);
        var scenario = new Scenario(app.Grains);
        var book = await scenario.BookAsync();
        var warehouse = await scenario.WarehouseAsync("late", (book.Id, 7));
        var policy = await app.Admin().PostAsJsonAsync("/agents/policies", new
        {
            name = "answer within two seconds", effect = "require", tool_name = "set_stock", respond_within_seconds = 2,
            args_rule = new { type = "object", properties = new { warehouse = new { @enum = new[] { warehouse } } }, required = new[] { "warehouse" } },
        });
        Assert.Equal(HttpStatusCode.Created, policy.StatusCode);
        var policyId = (await policy.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        try
        {
            var run = await Runs.StartAsync(app.Grains, $"Set stock of {book.Title} at {warehouse} to 33", "inventory");
            bool LevelOne(WebhookReceiver.Request r) => r.RunId == run.ToString() && r.Event == WebhookEvents.ApprovalEscalated && r.Json.GetProperty("escalation_level").GetInt32() == 1;
            var first = (await receiver.WaitUntilAsync(rs => rs.Any(LevelOne), "approval.escalated level 1 arrives")).First(LevelOne);
            Assert.True(WebhookSignature.Verify(secret, first.Body, first.Signature));

            // Decide, so no further level comes; then the level-1 delivery has been sent exactly once.
            Assert.Null((await app.Grains.GetGrain<IAgentRunGrain>(run).DecideAsync(new RunDecision(ApprovalDecision.Rejected, Runs.Admin))).Error);
            await Runs.WaitForAsync(app.Grains, run, RunStatus.Completed);
            var view = (await app.Grains.GetGrain<IAgentRunGrain>(run).GetAsync())!;
            var levels = view.Events.Select(e => e.Event).OfType<AgentOps.Journal.ApprovalEscalated>().Select(e => e.Level).ToList();
            Assert.Equal(Enumerable.Range(1, levels.Count), levels);
            await DeliveryOfEventAsync(webhookId, first.DeliveryId!, d => d.GetProperty("status").GetString() == DeliveryStatuses.Delivered, "level 1 is delivered");
            Assert.Single(receiver.Requests, LevelOne);
        }
        finally
        {
            await app.Admin().DeleteAsync($"/agents/policies/{policyId}");
            await app.Admin().DeleteAsync($"/agents/webhooks/{webhookId}");
        }
    }

    [Fact]
    public async Task A_receiver_that_fails_twice_gets_the_same_delivery_on_the_third_attempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 2);
        var (webhookId, _) = await CreateWebhookAsync(receiver.Url, WebhookEvents.ApprovalRequested);
        try
        {
            var (run, _) = await SuspendedRunAsync();
            bool Ours(WebhookReceiver.Request r) => r.RunId == run.ToString();
            var attempts = (await receiver.WaitUntilAsync(rs => rs.Count(Ours) >= 3, "three attempts of the run's delivery arrive")).Where(Ours).ToList();

            Assert.Equal(3, attempts.Count);
            Assert.Single(attempts.Select(a => a.DeliveryId).Distinct());
            Assert.Equal([500, 500, 200], attempts.Select(a => a.Answered));
            Assert.All(attempts, a => Assert.Equal(attempts[0].Body, a.Body));
            var delivery = await DeliveryOfEventAsync(webhookId, attempts[0].DeliveryId!, d => d.GetProperty("status").GetString() == DeliveryStatuses.Delivered,
                "the third attempt is recorded as delivered");
            Assert.Equal(3, delivery.GetProperty("attempts").GetInt32());
            Assert.Equal(200, delivery.GetProperty("last_status_code").GetInt32());
            Assert.Equal(WebhookEvents.ApprovalRequested, delivery.GetProperty("event").GetString());
            Assert.Equal(3, receiver.Requests.Count(Ours));
        }
        finally
        {
            await app.Admin().DeleteAsync($"/agents/webhooks/{webhookId}");
        }
    }

    [Fact]
    public async Task Creating_lists_without_the_secret_and_deleting_stops_listing_the_webhook()
    {
        var admin = app.Admin();
        var created = await admin.PostAsJsonAsync("/agents/webhooks",
            new { url = "https://hooks.example.com/agentops", events = new[] { "run.failed", "approval.requested" }, format = "slack", secret = "a-secret-of-our-own-0001" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal($"/agents/webhooks/{id}", created.Headers.Location!.OriginalString);
        Assert.Equal("a-secret-of-our-own-0001", body.GetProperty("secret").GetString());
        Assert.Equal(["approval.requested", "run.failed"], body.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("slack", body.GetProperty("format").GetString());

        var listed = await admin.GetStringAsync("/agents/webhooks");
        Assert.Contains(id, listed);
        Assert.DoesNotContain("a-secret-of-our-own-0001", listed);
        Assert.DoesNotContain("secret", listed);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/agents/webhooks/{id}")).StatusCode);
        Assert.DoesNotContain(id, await admin.GetStringAsync("/agents/webhooks"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/agents/webhooks/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("""{"events":["approval.requested"]}""", "validation.missing_field")]
    [InlineData("""{"url":"not a url","events":["approval.requested"]}""", "validation.invalid_url")]
    [InlineData("""{"url":"ftp://hooks.example.com/x","events":["approval.requested"]}""", "validation.invalid_url")]
    [InlineData("""{"url":"https://hooks.example.com/x"}""", "validation.missing_field")]
    [InlineData("""{"url":"https://hooks.example.com/x","events":[]}""", "validation.missing_field")]
    [InlineData("""{"url":"https://hooks.example.com/x","events":["approval.granted"]}""", "validation.invalid_event")]
    [InlineData("""{"url":"https://hooks.example.com/x","events":["approval.requested"],"format":"xml"}""", "validation.invalid_format")]
    [InlineData("""{"url":"https://hooks.example.com/x","events":["approval.requested"],"secret":"short"}""", "validation.invalid_secret")]
    public async Task A_bad_webhook_is_refused_with_400_and_an_error_code(string json, string errorCode)
    {
        var response = await app.Admin().PostAsync("/agents/webhooks", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(errorCode, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task An_unknown_webhook_is_404_and_a_malformed_id_is_400()
    {
        var admin = app.Admin();
        var unknown = Guid.NewGuid();
        foreach (var response in new[] { await admin.DeleteAsync($"/agents/webhooks/{unknown}"), await admin.GetAsync($"/agents/webhooks/{unknown}/deliveries") })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("resource.not_found", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());
        }
        var malformed = await admin.GetAsync("/agents/webhooks/not-a-uuid/deliveries");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("validation.invalid_id", (await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task Only_a_store_admin_may_see_or_register_webhooks()
    {
        var alice = app.Alice();
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/agents/webhooks")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await alice.PostAsJsonAsync("/agents/webhooks", new { url = "https://hooks.example.com/x", events = new[] { "approval.requested" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/agents/webhooks")).StatusCode);
    }
}
