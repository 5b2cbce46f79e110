using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentOps.Tests.Infrastructure;

namespace AgentOps.Tests.Http;

/// <summary>The /agents rows of the front door, on PostgreSQL.</summary>
[Collection(WebAppCollection.Name)]
public sealed class AgentsHttpTests(WebAppFixture app)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>A warehouse of the test's own, taken offline, so other tests keep alpha and beta.</summary>
    private async Task<string> OfflineWarehouseAsync()
    {
        var name = $"w{Guid.NewGuid():N}"[..12];
        var registered = await app.Service().PostAsJsonAsync("/store/warehouses/register", new { name, url = $"http://localhost/warehouses/{name}" });
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode is HttpStatusCode.Created ? HttpStatusCode.OK : registered.StatusCode);
        var fault = await app.Admin().PostAsJsonAsync($"/warehouses/{name}/faults", new { type = "offline" });
        Assert.Equal(HttpStatusCode.OK, fault.StatusCode);
        return name;
    }

    private async Task<JsonElement> WaitForAsync(HttpClient client, string runId, Func<JsonElement, bool> condition, string because)
    {
        JsonElement run = default;
        await Scenario.EventuallyAsync(async () =>
        {
            run = await client.GetFromJsonAsync<JsonElement>($"/agents/runs/{runId}");
            return condition(run);
        }, Patience, because);
        return run;
    }

    [Fact]
    public async Task An_offline_warehouse_task_suspends_on_the_repair_until_an_admin_approves_it()
    {
        var warehouse = await OfflineWarehouseAsync();
        var admin = app.Admin();

        var started = await admin.PostAsJsonAsync("/agents/runs", new { prompt = $"Warehouse {warehouse} is offline. Investigate and bring it back online." });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var body = await started.Content.ReadFromJsonAsync<JsonElement>();
        var runId = body.GetProperty("id").GetString()!;
        Assert.Equal($"/agents/runs/{runId}", started.Headers.Location!.OriginalString);

        var suspended = await WaitForAsync(admin, runId, r => r.GetProperty("pending_tool").ValueKind == JsonValueKind.Object, "the restart waits for approval");
        Assert.Equal("suspended", suspended.GetProperty("status").GetString());
        Assert.Equal("orchestrator", suspended.GetProperty("agent_type").GetString());
        var pending = suspended.GetProperty("pending_tool");
        Assert.Equal("restart_warehouse", pending.GetProperty("tool_name").GetString());
        Assert.Equal(warehouse, pending.GetProperty("args").GetProperty("name").GetString());
        Assert.Equal("dangerous", pending.GetProperty("risk").GetString());
        var events = suspended.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal("RUN_STARTED", events[0].GetProperty("type").GetString());
        Assert.Equal(1, events[0].GetProperty("sequence").GetInt32());
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "CHILD_RUN_STARTED");

        var byCustomer = await app.Alice().PostAsJsonAsync($"/agents/runs/{runId}/resume", new { decision = "approved" });
        Assert.Equal(HttpStatusCode.Forbidden, byCustomer.StatusCode);
        Assert.Equal("auth.forbidden", (await byCustomer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());

        var approved = await admin.PostAsJsonAsync($"/agents/runs/{runId}/resume", new { decision = "approved", call_id = pending.GetProperty("call_id").GetString() });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);

        var completed = await WaitForAsync(admin, runId, r => r.GetProperty("status").GetString() == "completed", "the run completes");
        Assert.StartsWith("warehouse-ops finished: Warehouse", completed.GetProperty("summary").GetString());
        var warehouses = await admin.GetFromJsonAsync<JsonElement>("/store/warehouses");
        Assert.Equal("HEALTHY", warehouses.EnumerateArray().Single(w => w.GetProperty("name").GetString() == warehouse).GetProperty("status").GetString());

        var second = await admin.PostAsJsonAsync($"/agents/runs/{runId}/resume", new { decision = "approved" });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("state.conflict", (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());
        var after = await admin.GetFromJsonAsync<JsonElement>($"/agents/runs/{runId}");
        Assert.Equal(completed.GetProperty("events").GetArrayLength(), after.GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task The_event_stream_replays_the_journal_then_follows_the_run_live_until_done()
    {
        var warehouse = await OfflineWarehouseAsync();
        var admin = app.Admin();
        var started = await (await admin.PostAsJsonAsync("/agents/runs", new { prompt = $"Warehouse {warehouse} is offline. Bring it back online." }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var runId = started.GetProperty("id").GetString()!;
        await WaitForAsync(admin, runId, r => r.GetProperty("pending_tool").ValueKind == JsonValueKind.Object, "the restart waits for approval");

        using var stream = await admin.GetStreamAsync($"/agents/runs/{runId}/events");
        using var reader = new StreamReader(stream);
        var received = new List<(string Name, JsonElement Data)>();
        var approvedAfter = -1;
        using var timeout = new CancellationTokenSource(Patience);
        string? name = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line["event: ".Length..];
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            received.Add((name!, JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone()));
            if (name == "done") break;
            // Once the replay has reached the child's suspension, decide: what follows arrives live.
            if (approvedAfter < 0 && received[^1].Data.GetProperty("type").GetString() == "RUN_SUSPENDED"
                && received[^1].Data.GetProperty("source_run_id").GetString() != runId)
            {
                approvedAfter = received.Count;
                Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/agents/runs/{runId}/resume", new { decision = "approved" })).StatusCode);
            }
        }

        Assert.True(approvedAfter > 0, "the replay contained the child's suspension");
        Assert.Equal("done", received[^1].Name);
        Assert.Equal("completed", received[^1].Data.GetProperty("status").GetString());
        var events = received.SkipLast(1).Select(r => r.Data).ToList();
        Assert.All(received.SkipLast(1), r => Assert.Equal("event", r.Name));
        // Every event of the run and of its child exactly once, in order per run.
        var bySource = events.GroupBy(e => e.GetProperty("source_run_id").GetString()!).ToDictionary(g => g.Key, g => g.Select(e => e.GetProperty("sequence").GetInt32()).ToList());
        Assert.Equal(2, bySource.Count);
        Assert.All(bySource.Values, sequences => Assert.Equal(Enumerable.Range(1, sequences.Count), sequences));
        var live = events.Skip(approvedAfter).Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains("RUN_RESUMED", live);
        Assert.Equal("RUN_COMPLETED", live[^1]);
        var run = await admin.GetFromJsonAsync<JsonElement>($"/agents/runs/{runId}");
        Assert.Equal(run.GetProperty("events").GetArrayLength(), bySource[runId].Count);
    }

    [Fact]
    public async Task Runs_are_listed_with_paging_and_filters_and_customers_see_only_their_own()
    {
        var alice = app.Alice();
        // A customer's run: the fulfillment agent serves customers (the inventory agent does not).
        var started = await (await alice.PostAsJsonAsync("/agents/runs", new { prompt = "Which orders failed?", agent_type = "fulfillment" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var runId = started.GetProperty("id").GetString()!;
        // With the built-in planners the start takes the run's first steps: it answers with the run where it rests.
        Assert.Contains(started.GetProperty("status").GetString(), new[] { "pending", "running", "completed" });
        await WaitForAsync(alice, runId, r => r.GetProperty("status").GetString() == "completed", "the fulfillment run completes");

        var mine = await alice.GetFromJsonAsync<JsonElement>("/agents/runs?status=completed&limit=5&offset=0");
        Assert.Equal(5, mine.GetProperty("limit").GetInt32());
        Assert.Equal(0, mine.GetProperty("offset").GetInt32());
        Assert.Contains(mine.GetProperty("runs").EnumerateArray(), r => r.GetProperty("id").GetString() == runId);
        var aliceId = mine.GetProperty("runs")[0].GetProperty("user_id").GetString();
        Assert.All(mine.GetProperty("runs").EnumerateArray(), r => Assert.Equal(aliceId, r.GetProperty("user_id").GetString()));

        var admins = await app.Admin().GetFromJsonAsync<JsonElement>($"/agents/runs?user_id={aliceId}");
        Assert.True(admins.GetProperty("total").GetInt32() >= 1);

        var adminRun = await (await app.Admin().PostAsJsonAsync("/agents/runs", new { prompt = "why are orders failing?" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync($"/agents/runs/{adminRun.GetProperty("id").GetString()}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/agents/runs?user_id=someone-else")).StatusCode);
    }

    public static TheoryData<string, string, object?, HttpStatusCode, string> BadRequests() => new()
    {
        { "POST", "/agents/runs", new { prompt = "" }, HttpStatusCode.BadRequest, "validation.missing_field" },
        { "POST", "/agents/runs", new { prompt = "x", agent_type = "janitor" }, HttpStatusCode.BadRequest, "validation.unknown_agent_type" },
        { "POST", "/agents/runs", new { prompt = new string('x', 5000) }, HttpStatusCode.BadRequest, "validation.prompt_too_long" },
        { "GET", "/agents/runs?status=sleeping", null, HttpStatusCode.BadRequest, "validation.invalid_status" },
        { "GET", "/agents/runs?limit=0", null, HttpStatusCode.BadRequest, "validation.invalid_limit" },
        { "GET", "/agents/runs/not-a-uuid", null, HttpStatusCode.BadRequest, "validation.invalid_id" },
        { "GET", $"/agents/runs/{Guid.Empty}", null, HttpStatusCode.NotFound, "resource.not_found" },
        { "POST", $"/agents/runs/{Guid.Empty}/resume", new { decision = "approved" }, HttpStatusCode.NotFound, "resource.not_found" },
        { "POST", $"/agents/runs/{Guid.Empty}/resume", new { decision = "maybe" }, HttpStatusCode.BadRequest, "validation.invalid_decision" },
        { "POST", $"/agents/runs/{Guid.Empty}/resume", new { }, HttpStatusCode.BadRequest, "validation.missing_field" },
        { "POST", $"/agents/runs/{Guid.Empty}/resume", new { decision = "approved", args = new[] { 1 } }, HttpStatusCode.BadRequest, "validation.invalid_tool_args" },
        { "POST", $"/agents/runs/{Guid.Empty}/resume", new { decision = "rejected", args = new { name = "x" } }, HttpStatusCode.BadRequest, "validation.invalid_tool_args" },
        { "POST", $"/agents/runs/{Guid.Empty}/cancel", new { reason = "x" }, HttpStatusCode.NotFound, "resource.not_found" },
        { "POST", $"/agents/runs/{Guid.Empty}/cancel", new { reason = new string('x', 600) }, HttpStatusCode.BadRequest, "validation.reason_too_long" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_agent_requests_get_a_clear_error(string method, string path, object? body, HttpStatusCode status, string code)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null) request.Content = JsonContent.Create(body);
        var response = await app.Admin().SendAsync(request);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task Agent_endpoints_need_a_user_and_decisions_need_an_approver()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/agents/runs")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Alice().PostAsJsonAsync($"/agents/runs/{Guid.Empty}/cancel", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Alice().GetAsync("/agents/approvals")).StatusCode);
    }
}
