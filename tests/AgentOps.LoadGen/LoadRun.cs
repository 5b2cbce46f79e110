using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace AgentOps.LoadGen;

/// <summary>One load test: prepare, drive the scenario with progress every second, settle, check the invariant.</summary>
public sealed class LoadRun(LoadOptions options, StoreClient store)
{
    private const string AgentWarehouse = "loadgen";
    private static readonly TimeSpan RunPatience = TimeSpan.FromSeconds(60);

    private readonly LatencyRecorder _recorder = new();
    private readonly ConcurrentBag<PlacedOrder> _orders = [];
    private readonly ConcurrentBag<(Guid Run, string Status)> _runs = [];
    private List<BookRef> _books = [];
    private List<AuthenticationHeaderValue> _customers = [];
    private volatile bool _measuring;

    private sealed record PlacedOrder(Guid Id, Guid Book, int Quantity, string Status, string? Warehouse, AuthenticationHeaderValue Customer);

    public async Task<int> RunAsync()
    {
        Console.WriteLine($"AgentOps load generator: scenario {options.Scenario.ToString().ToLowerInvariant()} against {options.Url}, " +
                          $"{options.Concurrency} in flight, {options.Duration.TotalSeconds:0} s measured after {options.Warmup.TotalSeconds:0} s warm-up");
        await PrepareAsync();
        var stockWarehouses = (await store.WarehousesAsync()).Select(w => w.Name).Where(n => n != AgentWarehouse).ToList();
        var before = UsesOrders ? await store.StockAsync(stockWarehouses) : [];

        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var progress = ReportProgressAsync(clock, stop.Token);
        var workers = Enumerable.Range(0, options.Concurrency).Select(i => WorkAsync(i, clock, stop.Token)).ToList();
        await Task.Delay(options.Warmup);
        var measuredFrom = clock.Elapsed;
        _measuring = true;
        await Task.Delay(options.Duration);
        _measuring = false;
        var measured = clock.Elapsed - measuredFrom;
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        await progress;

        var (p50, p95, p99, max) = _recorder.Percentiles();
        var throughput = _recorder.Count / measured.TotalSeconds;
        Console.WriteLine();
        Console.WriteLine($"requests {_recorder.Count} in {measured.TotalSeconds:0.0} s = {throughput:0.0}/s · latency p50 {p50:0.0} ms, p95 {p95:0.0} ms, p99 {p99:0.0} ms, max {max:0.0} ms · errors {_recorder.Errors}");
        foreach (var (kind, count) in _recorder.ErrorKinds.OrderByDescending(e => e.Value)) Console.WriteLine($"  error {kind}: {count}");

        Console.WriteLine("checking the invariant (settling pending orders, re-reading stock, fetching every acknowledged order) …");
        var invariant = await CheckInvariantAsync(before, stockWarehouses);
        Console.WriteLine($"invariant: {invariant}");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            scenario = options.Scenario.ToString().ToLowerInvariant(),
            requests = _recorder.Count,
            throughput_rps = Math.Round(throughput, 1),
            p50_ms = Math.Round(p50, 1),
            p95_ms = Math.Round(p95, 1),
            p99_ms = Math.Round(p99, 1),
            errors = _recorder.Errors,
            invariant,
        }));
        return _recorder.Errors == 0 && invariant == "ok" ? 0 : 1;
    }

    private bool UsesOrders => options.Scenario is Scenario.Orders or Scenario.Mixed;

    private bool UsesAgents => options.Scenario is Scenario.Agents or Scenario.Mixed;

    private async Task PrepareAsync()
    {
        await store.GetJsonAsync("/health", auth: null);
        _books = await store.ActiveBooksAsync();
        if (_books.Count == 0) throw new InvalidOperationException("The catalog has no active books.");
        Console.WriteLine($"catalog: {_books.Count} active books");

        if (UsesOrders)
        {
            if (options.Stock > 0)
            {
                foreach (var (name, status) in await store.WarehousesAsync())
                {
                    if (name == AgentWarehouse || status != "HEALTHY") continue;
                    Console.WriteLine($"setting stock of every book at {name} to {options.Stock}");
                    await store.SetStockAsync(name, _books, options.Stock);
                }
            }
            // One customer per worker, so no single customer's order list becomes the bottleneck. The same accounts
            // serve every run, registered only when they do not exist yet: registration is rate-limited per address.
            var created = 0;
            var customers = await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(async i =>
            {
                var email = $"load-{i}@loadgen.example.com";
                var auth = StoreClient.Basic($"{email}:loadtest-password");
                using var probe = await store.SendAsync(HttpMethod.Get, "/store/orders?limit=1", null, auth);
                if (probe.StatusCode == System.Net.HttpStatusCode.Unauthorized)
                {
                    await store.SendJsonAsync(HttpMethod.Post, "/store/auth/register", new { email, password = "loadtest-password", name = $"Load {i}" }, auth: null);
                    Interlocked.Increment(ref created);
                }
                else
                {
                    await StoreClient.EnsureAsync(probe, $"GET /store/orders as {email}");
                }
                return auth;
            }));
            _customers = [.. customers];
            Console.WriteLine($"{_customers.Count} customers ({created} registered now)");
        }
        if (UsesAgents)
        {
            // Agent runs set stock at a warehouse of their own, which holds no stock, so orders never touch it.
            var token = new AuthenticationHeaderValue("Bearer", Environment.GetEnvironmentVariable("AGENTOPS_SERVICE_TOKEN") ?? "dev-service-token");
            await store.SendJsonAsync(HttpMethod.Post, "/store/warehouses/register", new { name = AgentWarehouse, url = $"{options.Url}warehouses/{AgentWarehouse}" }, token);
        }
    }

    private async Task WorkAsync(int worker, Stopwatch clock, CancellationToken stop)
    {
        await Task.Yield();
        var bucket = _recorder.NewBucket();
        var random = new Random(worker * 7919 + Environment.TickCount);
        while (!stop.IsCancellationRequested)
        {
            var kind = options.Scenario switch
            {
                Scenario.Mixed => random.Next(100) switch { < 70 => Scenario.Reads, < 95 => Scenario.Orders, _ => Scenario.Agents },
                var s => s,
            };
            var measure = _measuring;
            var started = clock.Elapsed;
            string? error;
            try
            {
                error = kind switch
                {
                    Scenario.Orders => await OrderAsync(worker, random),
                    Scenario.Reads => await ReadAsync(random),
                    _ => await AgentRunAsync(random),
                };
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                error = e.GetType().Name;
            }
            if (!measure || !_measuring && clock.Elapsed - started > TimeSpan.FromSeconds(5)) continue;
            if (error is null) _recorder.Record(bucket, (clock.Elapsed - started).TotalMilliseconds);
            else _recorder.Error(error);
        }
    }

    private async Task<string?> OrderAsync(int worker, Random random)
    {
        var book = _books[random.Next(_books.Count)];
        var customer = _customers[worker % _customers.Count];
        // Like a careful client: an Idempotency-Key per order, and the same key again after an error, so an order the
        // server accepted but could not confirm (a silo died) is neither lost nor placed twice.
        var key = Guid.NewGuid().ToString("N");
        HttpResponseMessage? response = null;
        string? firstError = null;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            response?.Dispose();
            try
            {
                response = await store.SendAsync(HttpMethod.Post, "/store/orders", new { items = new[] { new { bookId = book.Id, quantity = 1 } } }, customer,
                    headers: [("Idempotency-Key", key)]);
                if (StoreClient.IsCreated(response)) break;
                firstError ??= $"POST /store/orders {(int)response.StatusCode}";
                if ((int)response.StatusCode < 500) break;
            }
            catch (HttpRequestException e)
            {
                firstError ??= e.GetType().Name;
                response = null;
            }
            await Task.Delay(200 * (attempt + 1));
        }
        using var final = response;
        if (final is null || !StoreClient.IsCreated(final)) return firstError ?? "POST /store/orders failed";
        if (firstError is not null) _recorder.Error($"{firstError} (retried with the same Idempotency-Key, then accepted)");
        var order = await final.Content.ReadFromJsonAsync<JsonElement>();
        var status = order.GetProperty("status").GetString()!;
        _orders.Add(new PlacedOrder(order.GetProperty("id").GetGuid(), book.Id, 1, status,
            order.GetProperty("warehouse").ValueKind == JsonValueKind.String ? order.GetProperty("warehouse").GetString() : null, customer));
        return status == "FAILED" ? "order FAILED" : null;
    }

    private async Task<string?> ReadAsync(Random random)
    {
        var path = random.Next(10) < 8
            ? $"/store/books/{_books[random.Next(_books.Count)].Id}"
            : $"/store/books?limit=20&offset={random.Next(Math.Max(1, _books.Count - 20))}";
        using var response = await store.SendAsync(HttpMethod.Get, path, null, null);
        if (!response.IsSuccessStatusCode) return $"GET /store/books {(int)response.StatusCode}";
        await response.Content.LoadIntoBufferAsync();
        return null;
    }

    /// <summary>A whole agent run: start, wait for its one dangerous call, approve it, wait for the end.</summary>
    private async Task<string?> AgentRunAsync(Random random)
    {
        var book = _books[random.Next(_books.Count)];
        using var started = await store.SendAsync(HttpMethod.Post, "/agents/runs",
            new { prompt = $"Set stock of {book.Title} at {AgentWarehouse} to 0", agent_type = "inventory" }, store.Admin);
        if (!StoreClient.IsCreated(started)) return $"POST /agents/runs {(int)started.StatusCode}";
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var deadline = DateTime.UtcNow + RunPatience;
        // Every call the run proposes is approved once: a set_stock whose target changed after its approval (another run
        // set the same book first) is proposed again under a new call id and needs a new approval, as a person would give.
        string? approvedCall = null;
        while (DateTime.UtcNow < deadline)
        {
            var run = await store.GetJsonAsync($"/agents/runs/{runId}");
            var status = run.GetProperty("status").GetString()!;
            if (status is "completed" or "failed" or "cancelled")
            {
                _runs.Add((runId, status));
                return status == "completed" ? null : $"run {status}";
            }
            if (run.GetProperty("pending_tool") is { ValueKind: JsonValueKind.Object } pending
                && pending.GetProperty("call_id").GetString() is { } callId && callId != approvedCall)
            {
                using var decided = await store.SendAsync(HttpMethod.Post, $"/agents/runs/{runId}/resume",
                    new { decision = "approved", call_id = callId }, store.Admin);
                if (!decided.IsSuccessStatusCode) return $"POST resume {(int)decided.StatusCode}";
                approvedCall = callId;
                continue;
            }
            await Task.Delay(5);
        }
        _runs.Add((runId, "timeout"));
        return "run timed out";
    }

    private async Task ReportProgressAsync(Stopwatch clock, CancellationToken stop)
    {
        var last = 0L;
        var lastErrors = 0L;
        var (ticks, intervalErrors) = (0, 0L);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        await using var timeline = options.Timeline is { } path ? new StreamWriter(path, append: true) { AutoFlush = true } : null;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var count = _recorder.Count;
                var errors = _recorder.Errors;
                Console.WriteLine($"[{clock.Elapsed.TotalSeconds,5:0}s] {(_measuring ? "measuring" : "warm-up  ")} {count - last,7} req/s  total {count,8}  errors {errors - lastErrors,4}/s");
                last = count;
                lastErrors = errors;
                if (timeline is null || !_measuring) continue;
                // Every 10 s of measured load, one line: throughput and p99 over those 10 s, for charts over time.
                if (++ticks % 10 != 0) continue;
                var latencies = _recorder.TakeInterval();
                Array.Sort(latencies);
                await timeline.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    scenario = options.Scenario.ToString().ToLowerInvariant(), t_s = ticks, requests = latencies.Length,
                    throughput_rps = Math.Round(latencies.Length / 10.0, 1), p99_ms = Math.Round(LatencyRecorder.Percentile(latencies, 0.99), 1),
                    errors = errors - intervalErrors,
                }));
                intervalErrors = errors;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<string> CheckInvariantAsync(Dictionary<(string Warehouse, Guid Book), long> before, List<string> warehouses)
    {
        var problems = new List<string>();
        if (UsesOrders)
        {
            // Orders acknowledged as PENDING finish on their own: wait for them to reach an end state.
            var final = new ConcurrentDictionary<Guid, PlacedOrder>(_orders.Select(o => KeyValuePair.Create(o.Id, o)));
            var missing = 0;
            await Parallel.ForEachAsync(final.Values.ToList(), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (order, _) =>
            {
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
                while (true)
                {
                    using var response = await store.SendAsync(HttpMethod.Get, $"/store/orders/{order.Id}", null, order.Customer);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref missing);
                        return;
                    }
                    var now = await response.Content.ReadFromJsonAsync<JsonElement>();
                    var status = now.GetProperty("status").GetString()!;
                    if (status != "PENDING" || DateTime.UtcNow > deadline)
                    {
                        final[order.Id] = order with { Status = status, Warehouse = now.GetProperty("warehouse").ValueKind == JsonValueKind.String ? now.GetProperty("warehouse").GetString() : null };
                        return;
                    }
                    await Task.Delay(200);
                }
            });
            if (missing > 0) problems.Add($"{missing} acknowledged orders cannot be read back");
            var pending = final.Values.Count(o => o.Status == "PENDING");
            if (pending > 0) problems.Add($"{pending} orders still PENDING after 60 s");

            var after = await store.StockAsync(warehouses);
            var shipped = final.Values.Where(o => o.Status == "SHIPPED")
                .GroupBy(o => (o.Warehouse!, o.Book)).ToDictionary(g => g.Key, g => (long)g.Sum(o => o.Quantity));
            var broken = before.Keys.Union(after.Keys).Union(shipped.Keys)
                .Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k) + shipped.GetValueOrDefault(k))
                .ToList();
            foreach (var (warehouse, book) in broken.Take(5))
            {
                problems.Add($"{warehouse}/{book}: initial {before.GetValueOrDefault((warehouse, book))} ≠ remaining {after.GetValueOrDefault((warehouse, book))} + shipped {shipped.GetValueOrDefault((warehouse, book))}");
            }
            if (broken.Count > 5) problems.Add($"… {broken.Count - 5} more books");
            Console.WriteLine($"orders acknowledged: {final.Count} ({final.Values.Count(o => o.Status == "SHIPPED")} SHIPPED, {final.Values.Count(o => o.Status == "FAILED")} FAILED); " +
                              $"units shipped {shipped.Values.Sum()}; stock lines checked {before.Count}");
        }
        if (UsesAgents)
        {
            var unfinished = _runs.Count(r => r.Status != "completed");
            Console.WriteLine($"agent runs: {_runs.Count} ended ({_runs.Count(r => r.Status == "completed")} completed)");
            if (unfinished > 0) problems.Add($"{unfinished} agent runs did not complete");
        }
        return problems.Count == 0 ? "ok" : "violated: " + string.Join("; ", problems);
    }
}
