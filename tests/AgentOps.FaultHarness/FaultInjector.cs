using System.Globalization;

namespace AgentOps.FaultHarness;

/// <summary>One fault as it happened.</summary>
public sealed record InjectedFault(int Index, FaultKind Kind, string Target, TimeSpan PlannedAt, TimeSpan At, string Outcome);

/// <summary>
/// Executes a schedule's process faults in plan order: each at its offset, but not before the system recovered from
/// the previous one (so faults test recovery instead of only piling up). After a kill the harness restarts what it
/// killed after the planned hold, as an operator would, and waits (bounded) until it is back.
/// </summary>
public sealed class FaultInjector(SchedulePlan plan, Cluster cluster, Action<string> log, bool verbose)
{
    private static readonly TimeSpan RecoveryPatience = TimeSpan.FromSeconds(90);

    public List<InjectedFault> Injected { get; } = [];

    public async Task RunAsync(DateTime start, CancellationToken stopInjecting, CancellationToken hardStop)
    {
        foreach (var fault in plan.Faults)
        {
            var wait = start + fault.At - DateTime.UtcNow;
            try
            {
                if (wait > TimeSpan.Zero) await Task.Delay(wait, stopInjecting);
                if (stopInjecting.IsCancellationRequested) break;
            }
            catch (OperationCanceledException)
            {
                break;
            }
            var at = DateTime.UtcNow - start;
            string outcome;
            try
            {
                outcome = await InjectAsync(fault, hardStop);
            }
            catch (Exception e) when (e is InvalidOperationException or Npgsql.NpgsqlException or TimeoutException or IOException)
            {
                outcome = $"could not be injected: {e.Message}";
            }
            lock (Injected) Injected.Add(new InjectedFault(fault.Index, fault.Kind, fault.Target, fault.At, at, outcome));
            if (verbose) log(string.Create(CultureInfo.InvariantCulture, $"fault #{fault.Index} {fault.Kind} {fault.Target} at {at.TotalSeconds:0.0}s (planned {fault.At.TotalSeconds:0.0}s): {outcome}"));
            if (!await cluster.WaitWebHealthyAsync(RecoveryPatience, hardStop))
                log($"fault #{fault.Index}: the front door was not healthy again within {RecoveryPatience.TotalSeconds:0} s");
        }
    }

    private async Task<string> InjectAsync(PlannedFault fault, CancellationToken cancellationToken)
    {
        switch (fault.Kind)
        {
            case FaultKind.KillSilo or FaultKind.KillWeb:
            {
                var process = fault.Kind == FaultKind.KillWeb ? cluster.Web! : cluster.Silo2!;
                var pid = process.Kill();
                await Task.Delay(fault.Hold, cancellationToken);
                process.Start();
                var back = process == cluster.Web
                    ? await cluster.WaitWebHealthyAsync(RecoveryPatience, cancellationToken)
                    : await cluster.WaitSiloActiveAsync(process, RecoveryPatience, cancellationToken);
                return $"kill -9 {process.Name} pid {pid?.ToString(CultureInfo.InvariantCulture) ?? "(not running)"}, restarted after {fault.Hold.TotalMilliseconds:0} ms, {(back ? "back" : "NOT back")}";
            }
            case FaultKind.KillPostgres:
            {
                cluster.PostgresHeldDown = true;
                var pid = cluster.Postgres.KillPostmaster();
                await Task.Delay(fault.Hold, cancellationToken);
                try
                {
                    cluster.Postgres.Start();
                }
                finally
                {
                    cluster.PostgresHeldDown = false;
                }
                return $"kill -9 postmaster pid {pid?.ToString(CultureInfo.InvariantCulture) ?? "(not running)"}, restarted after {fault.Hold.TotalMilliseconds:0} ms";
            }
            case FaultKind.KillPostgresBackend:
            {
                // Which backend is drawn from the fault's own seed; the list of backends is whatever is open right now.
                var pid = await cluster.Postgres.KillBackendAsync(cluster.Database, new Random(plan.Seed ^ (fault.Index * 7919)));
                var ready = await cluster.Postgres.WaitReadyAsync(RecoveryPatience, cancellationToken);
                return pid is null ? "no backend of the application was open" : $"kill -9 backend pid {pid}; PostgreSQL reset every connection and {(ready ? "recovered" : "did NOT recover")}";
            }
            case FaultKind.StallSilo:
            {
                var process = fault.Target == "web" ? cluster.Web! : cluster.Silo2!;
                var pid = process.Pause();
                try
                {
                    await Task.Delay(fault.Hold, cancellationToken);
                }
                finally
                {
                    process.Resume();
                }
                return $"SIGSTOP {process.Name} pid {pid?.ToString(CultureInfo.InvariantCulture) ?? "(not running)"} for {fault.Hold.TotalMilliseconds:0} ms, then SIGCONT";
            }
            case FaultKind.TerminateBackends:
            {
                var count = await cluster.Postgres.TerminateBackendsAsync(cluster.Database);
                return $"pg_terminate_backend of {count} application connection(s)";
            }
            default:
                return "unknown fault";
        }
    }
}
