using System.Diagnostics;
using System.Globalization;

namespace AgentOps.FaultHarness;

public sealed record ScheduleResult(
    int Schedule,
    int Seed,
    IReadOnlyDictionary<string, int> Faults,
    int OrdersAcknowledged,
    int OrdersChecked,
    int RunsStarted,
    int RunsChecked,
    int UnplannedRestarts,
    IReadOnlyList<Violation> Violations,
    TimeSpan Wall)
{
    public int FaultsInjected => Faults.Values.Sum();

    public string Line(int total)
    {
        var c = CultureInfo.InvariantCulture;
        var faults = string.Join(", ", Faults.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key} {f.Value}"));
        var kinds = string.Join(", ", Violations.GroupBy(v => v.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
        return string.Create(c, $"schedule {Schedule + 1}/{total} seed {Seed}: faults {FaultsInjected} ({(faults.Length == 0 ? "none" : faults)}), ") +
               string.Create(c, $"orders {OrdersChecked} ({OrdersAcknowledged} acknowledged), runs {RunsChecked} ({RunsStarted} started by the harness), ") +
               string.Create(c, $"unplanned restarts {UnplannedRestarts}, violations {Violations.Count}{(kinds.Length == 0 ? "" : $" ({kinds})")}, {Wall.TotalSeconds:0.0} s");
    }
}

/// <summary>One schedule: fresh database and cluster, prepare, workload and faults for the planned duration, recovery, checks.</summary>
public sealed class ScheduleRunner(HarnessOptions options, Cluster cluster, Action<string> log)
{
    /// <summary>How long operations still in flight may take after the schedule's duration (each is bounded on its own too).</summary>
    private TimeSpan DrainPatience => TimeSpan.FromSeconds(Math.Max(30, options.Duration.TotalSeconds));

    public async Task<ScheduleResult> RunAsync(int index, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var plan = SchedulePlan.Create(index, options.Seed, options.Duration, options.OrderRate);
        if (options.Verbose) log(plan.Describe());
        var ledger = new Ledger();
        var violations = new List<Violation>();
        var faults = new Dictionary<string, int>(StringComparer.Ordinal);
        var ordersChecked = 0;
        var runsChecked = 0;
        try
        {
            await cluster.StartScheduleAsync(index, cancellationToken);
            if (options.Verbose) log($"schedule {index + 1}: cluster up after {clock.Elapsed.TotalSeconds:0.0} s (front door {cluster.BaseUrl}, database {cluster.Database})");
            using var door = new FrontDoor(cluster.BaseUrl);
            var workload = new Workload(plan, door, ledger, log, options.Verbose);
            await workload.PrepareAsync(cancellationToken);

            var start = DateTime.UtcNow;
            using var stopIssuing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stopIssuing.CancelAfter(options.Duration);
            using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            hardStop.CancelAfter(options.Duration + DrainPatience);
            var injector = new FaultInjector(plan, cluster, log, options.Verbose);
            await Task.WhenAll(workload.RunAsync(start, stopIssuing.Token, hardStop.Token), injector.RunAsync(start, stopIssuing.Token, hardStop.Token));
            cancellationToken.ThrowIfCancellationRequested();
            if (options.Verbose) log($"schedule {index + 1}: workload done after {(DateTime.UtcNow - start).TotalSeconds:0.0} s; recovering and checking");

            foreach (var fault in injector.Injected.Where(f => !f.Outcome.StartsWith("could not", StringComparison.Ordinal)))
                faults[fault.Kind.ToString()] = faults.GetValueOrDefault(fault.Kind.ToString()) + 1;
            foreach (var (counter, count) in ledger.Counters.Where(c => c.Key.StartsWith("fault_warehouse_", StringComparison.Ordinal)))
                faults[counter["fault_".Length..]] = count;

            var checker = new Checker(cluster, door, ledger, options, log);
            var (report, found) = await checker.RecoverAndCheckAsync(cancellationToken);
            violations.AddRange(found);
            ordersChecked = report.OrdersChecked;
            runsChecked = report.RunsChecked;
            if (options.Verbose)
            {
                log($"schedule {index + 1}: orders settled {report.OrdersSettledAfter.TotalSeconds:0} s and runs {report.RunsSettledAfter.TotalSeconds:0} s after recovery");
                log($"schedule {index + 1} counters: {string.Join(", ", ledger.Counters.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}"))}");
                foreach (var f in injector.Injected) log($"  fault #{f.Index} {f.Kind}: {f.Outcome}");
            }
        }
        catch (Exception e) when (e is InvalidOperationException or Npgsql.NpgsqlException or TimeoutException or IOException or System.Text.Json.JsonException)
        {
            violations.Add(new Violation("schedule_aborted", $"{e.GetType().Name}: {e.Message}"));
            log($"schedule {index + 1} aborted: {e}");
        }
        finally
        {
            try
            {
                await cluster.StopScheduleAsync();
            }
            catch (Exception e) when (e is InvalidOperationException or Npgsql.NpgsqlException or TimeoutException)
            {
                log($"stopping schedule {index + 1}: {e.Message}");
            }
        }
        return new ScheduleResult(index, plan.Seed, faults, ledger.Orders.Count, ordersChecked, ledger.Runs.Count, runsChecked,
            cluster.UnplannedRestarts, violations, clock.Elapsed);
    }
}
