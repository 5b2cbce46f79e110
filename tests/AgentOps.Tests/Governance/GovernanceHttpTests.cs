using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentOps.Tests.Infrastructure;
using AgentOps.Web.Governance;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AgentOps.Tests.Governance;

/// <summary>Approval governance through the front door, on PostgreSQL (the audit chain and grant uses are rows there).</summary>
[Collection(WebAppCollection.Name)]
public sealed class GovernanceHttpTests(WebAppFixture app)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static object OnlyWarehouse(string field, string name) =>
        new { type = "object", properties = new Dictionary<string, object> { [field] = new { @enum = new[] { name } } }, required = new[] { field } };

    private async Task<string> OfflineWarehouseAsync(string? name = null)
    {
        name ??= $"w{Guid.NewGuid():N}"[..12];
        if (name is not ("alpha" or "beta"))
        {
            var registered = await app.Service().PostAsJsonAsync("/store/warehouses/register", new { name, url = $"http://localhost/warehouses/{name}" });
            Assert.True(registered.IsSuccessStatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await app.Admin().PostAsJsonAsync($"/warehouses/{name}/faults", new { type = "offline" })).StatusCode);
        return name;
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient client, string runId, Func<JsonElement, bool> condition, string because)
    {
        JsonElement run = default;
        await Scenario.EventuallyAsync(async () => condition(run = await client.GetFromJsonAsync<JsonElement>($"/agents/runs/{runId}")), Patience, because);
        return run;
    }

    private static async Task<string> StartAsync(HttpClient client, string prompt, string? agentType = null)
    {
        var started = await client.PostAsJsonAsync("/agents/runs", new { prompt, agent_type = agentType });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        return (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<string> CreatePolicyAsync(HttpClient admin, object body)
    {
        var created = await admin.PostAsJsonAsync("/agents/policies", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task A_policy_auto_approves_restarts_of_beta_and_the_journal_and_audit_name_it()
    {
        var admin = app.Admin();
        var policy = await CreatePolicyAsync(admin, new
        {
            name = "auto-approve restarts of beta", effect = "auto_approve", tool_name = "restart_warehouse", args_rule = OnlyWarehouse("name", "beta"), priority = 100,
        });
        try
        {
            var evaluated = await (await admin.PostAsJsonAsync("/agents/policies/evaluate", new { tool_name = "restart_warehouse", args = new { name = "beta" } }))
                .Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(("auto_approve", policy), (evaluated.GetProperty("effect").GetString(), evaluated.GetProperty("policy_id").GetString()));
            Assert.Contains("auto-approve restarts of beta", evaluated.GetProperty("explanation").GetString());
            var other = await (await admin.PostAsJsonAsync("/agents/policies/evaluate", new { tool_name = "restart_warehouse", args = new { name = "alpha" } }))
                .Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("require", other.GetProperty("effect").GetString());
            Assert.Equal(JsonValueKind.Null, other.GetProperty("policy_id").ValueKind);

            await OfflineWarehouseAsync("beta");
            var runId = await StartAsync(admin, "Warehouse beta is offline. Investigate and bring it back online.");
            var done = await WaitForAsync(admin, runId, r => r.GetProperty("status").GetString() == "completed", "the run completes with no person");
            var child = done.GetProperty("child_run_ids")[0].GetString()!;
            var childRun = await admin.GetFromJsonAsync<JsonElement>($"/agents/runs/{child}");
            var events = childRun.GetProperty("events").EnumerateArray().ToList();
            Assert.DoesNotContain(events, e => e.GetProperty("type").GetString() == "RUN_SUSPENDED");
            var resumed = events.Single(e => e.GetProperty("type").GetString() == "RUN_RESUMED").GetProperty("payload");
            Assert.Equal($"policy:{policy}", resumed.GetProperty("decided_by").GetString());
            Assert.Equal("approved", resumed.GetProperty("decision").GetString());
            Assert.Contains("auto-approve restarts of beta", resumed.GetProperty("explanation").GetString());

            var callId = resumed.GetProperty("call_id").GetString()!;
            var evidence = await admin.GetFromJsonAsync<JsonElement>($"/agents/runs/{child}/approvals/{callId}/evidence");
            Assert.True(evidence.GetProperty("approved_equals_executed").GetBoolean());
            Assert.Equal(policy, evidence.GetProperty("policy_id").GetString());
        }
        finally
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/agents/policies/{policy}")).StatusCode);
        }
        var versions = await admin.GetFromJsonAsync<JsonElement>($"/agents/policies/{policy}/versions");
        Assert.Equal([false, true], versions.EnumerateArray().Select(v => v.GetProperty("deleted").GetBoolean()));
    }

    [Fact]
    public async Task Fifty_decisions_in_one_batch_with_one_stale_call_give_49_oks_and_one_conflict_each_effect_once()
    {
        var admin = app.Admin();
        var runs = new List<string>();
        for (var i = 0; i < 50; i++) runs.Add(await StartAsync(admin, $"Warehouse {await OfflineWarehouseAsync()} is offline. Bring it back online.", "warehouse-ops"));
        var pending = new List<(string Run, string Call)>();
        foreach (var run in runs)
        {
            var view = await WaitForAsync(admin, run, r => r.GetProperty("pending_tool").ValueKind == JsonValueKind.Object, "the restart waits");
            pending.Add((run, view.GetProperty("pending_tool").GetProperty("call_id").GetString()!));
        }
        var items = pending.Select((p, i) => new { run_id = p.Run, call_id = i == 17 ? "call_stale" : p.Call, decision = "approved" }).ToList();

        var response = await admin.PostAsJsonAsync("/agents/approvals/batch", items);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(49, results.Count(r => r.GetProperty("status").GetInt32() == 200));
        var conflict = Assert.Single(results, r => r.GetProperty("status").GetInt32() == 409);
        Assert.Equal(("call_stale", "state.conflict"), (conflict.GetProperty("call_id").GetString(), conflict.GetProperty("error_code").GetString()));

        foreach (var (run, call) in pending.Where((_, i) => i != 17))
        {
            var view = await WaitForAsync(admin, run, r => r.GetProperty("status").GetString() == "completed", "the approved restart ran");
            Assert.Single(view.GetProperty("events").EnumerateArray(),
                e => e.GetProperty("type").GetString() == "TOOL_RESULT" && e.GetProperty("payload").GetProperty("call_id").GetString() == call);
        }
        var stale = await admin.GetFromJsonAsync<JsonElement>($"/agents/runs/{pending[17].Run}");
        Assert.Equal(pending[17].Call, stale.GetProperty("pending_tool").GetProperty("call_id").GetString());
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/agents/runs/{pending[17].Run}/cancel", new { reason = "test over" })).StatusCode);
    }

    [Fact]
    public async Task The_audit_chain_verifies_and_an_edited_row_is_reported_by_its_sequence()
    {
        var admin = app.Admin();
        var run = await StartAsync(admin, $"Warehouse {await OfflineWarehouseAsync()} is offline. Bring it back online.", "warehouse-ops");
        var call = (await WaitForAsync(admin, run, r => r.GetProperty("pending_tool").ValueKind == JsonValueKind.Object, "the restart waits"))
            .GetProperty("pending_tool").GetProperty("call_id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/agents/runs/{run}/resume", new { decision = "approved", call_id = call })).StatusCode);
        await WaitForAsync(admin, run, r => r.GetProperty("status").GetString() == "completed", "the restart ran");

        var verified = await admin.GetFromJsonAsync<JsonElement>("/agents/audit/verify");
        Assert.True(verified.GetProperty("ok").GetBoolean(), verified.ToString());
        var rows = (await admin.GetFromJsonAsync<JsonElement>($"/agents/audit?run_id={run}")).GetProperty("rows").EnumerateArray().ToList();
        var approved = rows.Single(r => r.GetProperty("kind").GetString() == "approved");
        Assert.Equal("admin@bookstore.com", approved.GetProperty("record").GetProperty("decided_by").GetString());
        var sequence = approved.GetProperty("sequence").GetInt64();

        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        async Task ExecuteAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue(sequence);
            await command.ExecuteNonQueryAsync();
        }
        // The table refuses changes; an owner who drops the guard is what the chain is for.
        await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync("UPDATE agentops_approval_audit SET kind = kind WHERE seq = $1"));
        await ExecuteAsync("ALTER TABLE agentops_approval_audit DISABLE TRIGGER agentops_approval_audit_append_only");
        try
        {
            await ExecuteAsync("UPDATE agentops_approval_audit SET record = replace(record, 'admin@bookstore.com', 'mallory@bookstore.com') WHERE seq = $1");
            var broken = await admin.GetFromJsonAsync<JsonElement>("/agents/audit/verify");
            Assert.False(broken.GetProperty("ok").GetBoolean());
            Assert.Equal(sequence, broken.GetProperty("first_broken_sequence").GetInt64());
        }
        finally
        {
            await ExecuteAsync("UPDATE agentops_approval_audit SET record = replace(record, 'mallory@bookstore.com', 'admin@bookstore.com') WHERE seq = $1");
            await ExecuteAsync("ALTER TABLE agentops_approval_audit ENABLE TRIGGER agentops_approval_audit_append_only");
        }
        Assert.True((await admin.GetFromJsonAsync<JsonElement>("/agents/audit/verify")).GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task A_signed_link_decides_once_then_answers_410_and_a_forged_or_expired_link_does_nothing()
    {
        var admin = app.Admin();
        var run = await StartAsync(admin, $"Warehouse {await OfflineWarehouseAsync()} is offline. Bring it back online.", "warehouse-ops");
        var call = (await WaitForAsync(admin, run, r => r.GetProperty("pending_tool").ValueKind == JsonValueKind.Object, "the restart waits"))
            .GetProperty("pending_tool").GetProperty("call_id").GetString()!;
        var made = await admin.PostAsJsonAsync($"/agents/runs/{run}/approvals/{call}/links", new { decision = "approved" });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var link = await made.Content.ReadFromJsonAsync<JsonElement>();
        var token = link.GetProperty("token").GetString()!;
        var anonymous = app.CreateClient();

        var page = await anonymous.GetAsync($"/agents/actions/{token}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("restart_warehouse", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsync($"/agents/actions/{token[..^2]}xx", null)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsync($"/agents/actions/{token}", null)).StatusCode);
        var reused = await anonymous.PostAsync($"/agents/actions/{token}", null);
        Assert.Equal(HttpStatusCode.Gone, reused.StatusCode);
        var done = await WaitForAsync(admin, run, r => r.GetProperty("status").GetString() == "completed", "the link's approval ran the restart");
        Assert.Single(done.GetProperty("events").EnumerateArray(),
            e => e.GetProperty("type").GetString() == "TOOL_RESULT" && e.GetProperty("payload").GetProperty("call_id").GetString() == call);

        var signer = app.Services.GetRequiredService<ActionLinkSigner>();
        var expired = await signer.SignAsync(new ActionLinkClaims(Guid.NewGuid(), Guid.Parse(run), call, "approved", "x", "admin@bookstore.com", DateTimeOffset.UtcNow.AddMinutes(-1)));
        Assert.Equal(HttpStatusCode.Gone, (await anonymous.PostAsync($"/agents/actions/{expired}", null)).StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_key_every_web_instance_signs_with_the_clusters_key()
    {
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        var unconfigured = Microsoft.Extensions.Options.Options.Create(new ActionLinkOptions());
        var claims = new ActionLinkClaims(Guid.NewGuid(), Guid.NewGuid(), "call_x", "approved", "hash", "admin@bookstore.com", DateTimeOffset.UtcNow.AddHours(1));

        var token = await new ActionLinkSigner(unconfigured, grains).SignAsync(claims);

        // Another instance (or this one after a restart) reads it; a configured key is another key.
        Assert.Equal(claims, await new ActionLinkSigner(unconfigured, grains).ReadAsync(token));
        var configured = Microsoft.Extensions.Options.Options.Create(new ActionLinkOptions { SigningKey = new string('k', 32) });
        Assert.Null(await new ActionLinkSigner(configured, grains).ReadAsync(token));
        var key = await grains.GetGrain<AgentOps.Governance.IActionLinkKeyGrain>(0).GetAsync();
        Assert.Equal(32, key.Length);

        // Stored sealed: the grain-state row holds a "v1:" value, and neither the key nor its base64.
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var read = new NpgsqlCommand("SELECT payload_binary FROM agentops_grain_state WHERE grain_type = 'actionLinkKey'", connection);
        var stored = Assert.IsType<byte[]>(await read.ExecuteScalarAsync());
        var text = System.Text.Encoding.Latin1.GetString(stored);
        Assert.Contains("v1:", text);
        Assert.DoesNotContain(Convert.ToBase64String(key), text);
        Assert.Equal(-1, stored.AsSpan().IndexOf(key));
    }

    [Fact]
    public async Task A_link_made_before_the_arguments_were_edited_answers_409()
    {
        var admin = app.Admin();
        var warehouse = await OfflineWarehouseAsync();
        var policy = await CreatePolicyAsync(admin, new
        {
            name = "two people", effect = "require", tool_name = "restart_warehouse", args_rule = OnlyWarehouse("name", warehouse), approvers = 2,
        });
        var run = await StartAsync(app.As("ops@bookstore.com", "ops123"), $"Warehouse {warehouse} is offline. Bring it back online.", "warehouse-ops");
        var pending = (await WaitForAsync(admin, run, r => r.GetProperty("pending_tool").ValueKind == JsonValueKind.Object, "the restart waits")).GetProperty("pending_tool");
        Assert.Equal(2, pending.GetProperty("approvals").GetProperty("needed").GetInt32());
        var call = pending.GetProperty("call_id").GetString()!;
        var token = (await (await admin.PostAsJsonAsync($"/agents/runs/{run}/approvals/{call}/links", new { decision = "approved" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;

        // The requester (ops) may not approve; admin approves with edited arguments, which starts the count again.
        Assert.Equal(HttpStatusCode.Forbidden, (await app.As("ops@bookstore.com", "ops123").PostAsJsonAsync($"/agents/runs/{run}/resume",
            new { decision = "approved", call_id = call })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/agents/runs/{run}/resume",
            new { decision = "approved", call_id = call, args = new { name = warehouse + "x" } })).StatusCode);
        var view = await admin.GetFromJsonAsync<JsonElement>($"/agents/runs/{run}");
        var given = view.GetProperty("pending_tool").GetProperty("approvals").GetProperty("given").EnumerateArray().ToList();
        Assert.Equal("admin@bookstore.com", Assert.Single(given).GetProperty("by").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync($"/agents/runs/{run}/resume", new { decision = "approved", call_id = call })).StatusCode);

        Assert.Equal(HttpStatusCode.Conflict, (await app.CreateClient().PostAsync($"/agents/actions/{token}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/agents/runs/{run}/cancel", new { reason = "test over" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/agents/policies/{policy}")).StatusCode);
    }

    [Fact]
    public async Task A_link_is_refused_when_it_is_made_by_someone_the_run_would_refuse_as_approver()
    {
        var admin = app.Admin();
        var ops = app.As("ops@bookstore.com", "ops123");
        var warehouse = await OfflineWarehouseAsync();
        var policy = await CreatePolicyAsync(admin, new
        {
            name = "two people", effect = "require", tool_name = "restart_warehouse", args_rule = OnlyWarehouse("name", warehouse), approvers = 2,
        });
        try
        {
            var run = await StartAsync(ops, $"Warehouse {warehouse} is offline. Bring it back online.", "warehouse-ops");
            var call = (await WaitForAsync(admin, run, r => r.GetProperty("pending_tool").ValueKind == JsonValueKind.Object, "the restart waits"))
                .GetProperty("pending_tool").GetProperty("call_id").GetString()!;
            var links = $"/agents/runs/{run}/approvals/{call}/links";

            // Separation of duties: the requester gets no approve link (but may reject their own call).
            var own = await ops.PostAsJsonAsync(links, new { decision = "approved" });
            Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
            Assert.Equal("self_approval", (await own.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("details").GetProperty("reason").GetString());
            Assert.Equal(HttpStatusCode.Created, (await ops.PostAsJsonAsync(links, new { decision = "rejected" })).StatusCode);

            // An approver who has approved already gets no second approve link: it could only answer 409.
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync(links, new { decision = "approved" })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/agents/runs/{run}/resume", new { decision = "approved", call_id = call })).StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync(links, new { decision = "approved" })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/agents/runs/{run}/cancel", new { reason = "test over" })).StatusCode);
        }
        finally
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/agents/policies/{policy}")).StatusCode);
        }
    }

    [Fact]
    public async Task A_grant_of_two_uses_approves_exactly_two_of_twenty_racing_runs_on_postgres()
    {
        var admin = app.Admin();
        var tag = $"g{Guid.NewGuid():N}"[..10];
        var warehouses = new List<string>();
        for (var i = 0; i < 20; i++) warehouses.Add(await OfflineWarehouseAsync($"{tag}-{i}"));
        var grant = await admin.PostAsJsonAsync("/agents/grants", new
        {
            tool_name = "restart_warehouse", max_uses = 2,
            args_rule = new { type = "object", properties = new { name = new { pattern = $"^{tag}-" } }, required = new[] { "name" } },
        });
        Assert.Equal(HttpStatusCode.Created, grant.StatusCode);
        var grantId = (await grant.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var runs = await Task.WhenAll(warehouses.Select(w => StartAsync(admin, $"Warehouse {w} is offline. Bring it back online.", "warehouse-ops")));
        var views = await Task.WhenAll(runs.Select(run => WaitForAsync(admin, run,
            r => r.GetProperty("status").GetString() is "completed" || r.GetProperty("pending_tool").ValueKind == JsonValueKind.Object, "decided or waiting")));

        Assert.Equal(2, views.Count(v => v.GetProperty("events").EnumerateArray()
            .Any(e => e.GetProperty("type").GetString() == "RUN_RESUMED" && e.GetProperty("payload").GetProperty("decided_by").GetString() == $"grant:{grantId}")));
        Assert.Equal(18, views.Count(v => v.GetProperty("pending_tool").ValueKind == JsonValueKind.Object));
        var stored = (await admin.GetFromJsonAsync<JsonElement>("/agents/grants?all=true")).EnumerateArray().Single(g => g.GetProperty("id").GetString() == grantId);
        Assert.Equal((2, false), (stored.GetProperty("uses").GetInt32(), stored.GetProperty("active").GetBoolean()));
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM agentops_grant_uses WHERE grant_id = $1", connection);
        count.Parameters.AddWithValue(Guid.Parse(grantId));
        Assert.Equal(2L, await count.ExecuteScalarAsync());
        foreach (var run in runs) await admin.PostAsJsonAsync($"/agents/runs/{run}/cancel", new { reason = "test over" });
    }

    [Theory]
    [InlineData("""{"name":"x","effect":"maybe"}""", "validation.invalid_effect")]
    [InlineData("""{"name":"","effect":"deny"}""", "validation.invalid_name")]
    [InlineData("""{"name":"x","effect":"deny","tool_name":"rm_rf"}""", "validation.unknown_tool")]
    [InlineData("""{"name":"x","effect":"require","approvers":0}""", "validation.invalid_approvers")]
    [InlineData("""{"name":"x","effect":"deny","args_rule":{"properties":{"a":{"const":1}}}}""", "validation.invalid_args_rule")]
    [InlineData("""{"name":"x","effect":"deny","args_rule":"yes"}""", "validation.invalid_args_rule")]
    public async Task A_bad_policy_is_refused_with_a_clear_code(string body, string code)
    {
        var response = await app.Admin().PostAsync("/agents/policies", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task Governance_is_for_admins_and_grants_must_be_bounded()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Alice().GetAsync("/agents/policies")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Alice().GetAsync("/agents/audit/verify")).StatusCode);
        var unbounded = await app.Admin().PostAsJsonAsync("/agents/grants", new { tool_name = "set_stock" });
        Assert.Equal(HttpStatusCode.BadRequest, unbounded.StatusCode);
        Assert.Equal("validation.unbounded_grant", (await unbounded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await app.Admin().DeleteAsync($"/agents/grants/{Guid.NewGuid()}")).StatusCode);
        var waiting = (await app.Admin().GetFromJsonAsync<JsonElement>("/agents/approvals?limit=1")).GetProperty("total").GetInt32();
        var stats = await app.Admin().GetFromJsonAsync<JsonElement>("/agents/approvals/stats");
        Assert.Equal(waiting, stats.GetProperty("waiting_now").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Admin().GetAsync("/agents/approvals/stats?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")).StatusCode);
    }
}
