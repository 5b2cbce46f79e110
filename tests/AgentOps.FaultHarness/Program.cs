using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace AgentOps.FaultHarness;

/// <summary>
/// The fault harness: starts the real system (PostgreSQL, the web process with silo 1, silo 2), drives a planned
/// workload while injecting planned process faults, and after each schedule checks the invariants against PostgreSQL
/// and the API. Schedule lines and the final JSON line go to stdout; progress goes to stderr.
/// </summary>
internal static class HarnessProgram
{
    public static async Task<int> Main(string[] args)
    {
        HarnessOptions options;
        try
        {
            options = HarnessOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(HarnessOptions.Usage);
            return 2;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            Console.Error.WriteLine("[harness] stopping (Ctrl-C): every process it started is stopped and its data removed");
            stop.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        static void Log(string text) => Console.Error.WriteLine($"[harness {DateTime.Now:HH:mm:ss}] {text}");

        var root = Path.Combine(Path.GetTempPath(), $"agentops-harness-{Guid.NewGuid():N}"[..29]);
        Directory.CreateDirectory(root);
        var results = new List<ScheduleResult>();
        var clock = Stopwatch.StartNew();
        var exitCode = 0;
        try
        {
            await using var cluster = new Cluster(options, root, Log);
            cluster.Prepare();
            var runner = new ScheduleRunner(options, cluster, Log);
            for (var i = 0; i < options.Schedules && !stop.IsCancellationRequested; i++)
            {
                var result = await runner.RunAsync(i, stop.Token);
                results.Add(result);
                Console.WriteLine(result.Line(options.Schedules));
                foreach (var v in result.Violations.Take(options.Verbose ? int.MaxValue : 20)) Console.Error.WriteLine($"  {v.Kind}: {v.Detail}");
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            exitCode = 130;
        }
        catch (InvalidOperationException e)
        {
            Log($"the harness could not run: {e.Message}");
            exitCode = 3;
        }
        finally
        {
            if (options.Keep) Log($"kept {root} (PostgreSQL data and process logs)");
            else
            {
                try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }

        var violations = results.SelectMany(r => r.Violations.Select(v => new { schedule = r.Schedule + 1, seed = r.Seed, kind = v.Kind, detail = v.Detail })).ToList();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[harness] {results.Count} schedule(s) in {clock.Elapsed.TotalSeconds:0} s wall time; faults injected {results.Sum(r => r.FaultsInjected)}; " +
            $"orders {results.Sum(r => r.OrdersChecked)} ({results.Sum(r => r.OrdersAcknowledged)} acknowledged); runs {results.Sum(r => r.RunsChecked)}; violations {violations.Count}"));
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            schedules = results.Count,
            faults_injected = results.Sum(r => r.FaultsInjected),
            orders = results.Sum(r => r.OrdersChecked),
            runs = results.Sum(r => r.RunsChecked),
            violations = violations.Count,
            details = violations,
        }));
        return exitCode != 0 ? exitCode : violations.Count > 0 ? 1 : 0;
    }
}
