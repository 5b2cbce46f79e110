using System.Text.Json;
using AgentOps.Agents;
using AgentOps.Governance;
using AgentOps.Journal;
using AgentOps.Notifications;
using AgentOps.Tests.Infrastructure;
using AgentOps.Tests.Notifications;
using Npgsql;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;

namespace AgentOps.Tests.Postgres;

/// <summary>
/// SPEC §8: a call past its response deadline is announced as <c>approval.escalated</c> exactly once per level, with a
/// stable delivery id, even when the silo holding the run dies at the deadline.
/// </summary>
public sealed class EscalationFailoverTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan RespondWithin = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task A_silo_killed_at_the_response_deadline_neither_loses_nor_repeats_an_escalation()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("escalation_kill");
        var settings = ClusterFactory.BaseSettings(connectionString);
        settings["AgentOps:Webhooks:AllowPlainHttp"] = "true";
        settings["AgentOps:Webhooks:AllowPrivateNetworks"] = "true";
        settings["AgentOps:Webhooks:PollInterval"] = "00:00:00.100";
        settings["AgentOps:Webhooks:RetryBaseDelay"] = "00:00:00.200";
        var cluster = ClusterFactory.Build(3, settings, $"svc-{Guid.NewGuid():N}"[..16]);
        await cluster.DeployAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        try
        {
            var grains = cluster.GrainFactory;
            var hook = await grains.GetGrain<IWebhookRegistryGrain>(0).CreateAsync(
                new WebhookDraft(receiver.Url, [WebhookEvents.ApprovalEscalated]), Runs.Admin);
            Assert.Null(hook.Error);
            var policy = await grains.GetGrain<IApprovalPolicyGrain>(0).CreatePolicyAsync(
                new PolicyDraft("answer within three seconds", PolicyEffect.Require, ToolName: "set_stock", RespondWithin: RespondWithin), Runs.Admin);
            Assert.Null(policy.Error);

            var scenario = new Scenario(grains);
            var book = await scenario.BookAsync();
            var warehouse = await scenario.WarehouseAsync("late", (book.Id, 7));
            var (run, host, escalateAt) = await RunWaitingOnASecondarySiloAsync(cluster, $"Set stock of {book.Title} at {warehouse} to 33");

            // The silo that holds the run, and with it the timer that would escalate, dies just before the deadline.
            var beforeDeadline = escalateAt - TimeSpan.FromMilliseconds(500) - DateTimeOffset.UtcNow;
            if (beforeDeadline > TimeSpan.Zero) await Task.Delay(beforeDeadline);
            await cluster.KillSiloAsync(host);

            bool Ours(WebhookReceiver.Request r) => r.RunId == run.ToString() && r.Event == WebhookEvents.ApprovalEscalated;
            int Level(WebhookReceiver.Request r) => r.Json.GetProperty("escalation_level").GetInt32();
            // Levels 1 and 2: the first announced by whichever silo took the run over, the second by its next deadline.
            await receiver.WaitUntilAsync(rs => rs.Any(r => Ours(r) && Level(r) == 2), "approval.escalated level 2 arrives after the kill", Settle);

            // Decide, so no further level comes; then compare what was journaled, enqueued and received.
            Assert.Null((await grains.GetGrain<IAgentRunGrain>(run).DecideAsync(new RunDecision(ApprovalDecision.Rejected, Runs.Admin))).Error);
            var view = await Runs.WaitForAsync(grains, run, RunStatus.Completed, Settle);
            var journaled = view.Events.Select(e => e.Event).OfType<ApprovalEscalated>().Select(e => e.Level).ToList();
            Assert.Equal(Enumerable.Range(1, journaled.Count), journaled);
            Assert.True(journaled.Count >= 2, $"levels journaled: {string.Join(", ", journaled)}");

            // One outbox row per journaled level, each delivered.
            var rows = new List<(Guid Id, int Level, string Status)>();
            await Scenario.EventuallyAsync(async () =>
            {
                rows = await EscalationRowsAsync(connectionString, hook.Webhook!.Id, run);
                return rows.Count == journaled.Count && rows.All(r => r.Status == DeliveryStatuses.Delivered);
            }, Settle, "every escalation is delivered");
            Assert.Equal(journaled, rows.Select(r => r.Level).Order());

            // The receiver saw each level under exactly one delivery id: the row's, signed with the webhook's secret.
            // (A send cut short by the kill may be repeated under the same id; that is at-least-once, not a new event.)
            var received = receiver.Requests.Where(Ours).ToList();
            Assert.All(received, r => Assert.True(WebhookSignature.Verify(hook.Secret!, r.Body, r.Signature)));
            Assert.Equal(
                rows.OrderBy(r => r.Level).Select(r => (r.Level, r.Id.ToString())),
                received.GroupBy(Level).OrderBy(g => g.Key).Select(g => (g.Key, Assert.Single(g.Select(r => r.DeliveryId!).Distinct()))));
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    /// <summary>
    /// Starts a run placed on a silo other than the primary (killing the primary would take the test's own gateway with
    /// it) and waits for it to ask for approval. A run that left less than a second to its deadline (a stalled machine)
    /// is rejected and another started. Returns that run, its silo and its deadline.
    /// </summary>
    private static async Task<(Guid Run, SiloHandle Host, DateTimeOffset EscalateAt)> RunWaitingOnASecondarySiloAsync(TestCluster cluster, string prompt)
    {
        var grains = cluster.GrainFactory;
        var management = grains.GetGrain<IManagementGrain>(0);
        for (var attempt = 0; attempt < 12; attempt++)
        {
            // A placement hint, not chance: the default director weighs load and may keep choosing the primary.
            RequestContext.Set(IPlacementDirector.PlacementHintKey, cluster.SecondarySilos[attempt % cluster.SecondarySilos.Count].SiloAddress);
            Guid run;
            try
            {
                run = await Runs.StartAsync(grains, prompt, "inventory");
            }
            finally
            {
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }
            await Runs.WaitForAsync(grains, run, RunStatus.Suspended);
            var address = await management.GetActivationAddress(grains.GetGrain<IAgentRunGrain>(run));
            var host = cluster.SecondarySilos.FirstOrDefault(s => s.SiloAddress.Equals(address));
            var pending = (await grains.GetGrain<IAgentRunGrain>(run).GetSummaryAsync())!.PendingApproval!;
            if (host is not null && pending.EscalateAt is { } escalateAt && escalateAt - DateTimeOffset.UtcNow > TimeSpan.FromSeconds(1))
                return (run, host, escalateAt);
            Assert.Null((await grains.GetGrain<IAgentRunGrain>(run).DecideAsync(new RunDecision(ApprovalDecision.Rejected, Runs.Admin))).Error);
        }
        Assert.Fail("no run of 12 waited on its secondary silo with more than a second to its deadline");
        return default;
    }

    private static async Task<List<(Guid Id, int Level, string Status)>> EscalationRowsAsync(string connectionString, Guid webhookId, Guid run)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT delivery_id, payload, status FROM agentops_webhook_deliveries
             WHERE webhook_id = $1 AND event_type = $2 AND (payload::jsonb ->> 'run_id') = $3
            """, connection);
        command.Parameters.AddWithValue(webhookId);
        command.Parameters.AddWithValue(WebhookEvents.ApprovalEscalated);
        command.Parameters.AddWithValue(run.ToString());
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(Guid, int, string)>();
        while (await reader.ReadAsync())
        {
            using var payload = JsonDocument.Parse(reader.GetString(1));
            rows.Add((reader.GetGuid(0), payload.RootElement.GetProperty("escalation_level").GetInt32(), reader.GetString(2)));
        }
        return rows;
    }
}
