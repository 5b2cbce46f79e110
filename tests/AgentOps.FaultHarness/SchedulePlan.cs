using System.Globalization;
using System.Text;

namespace AgentOps.FaultHarness;

public enum FaultKind
{
    KillSilo,
    KillWeb,
    KillPostgres,
    KillPostgresBackend,
    StallSilo,
    TerminateBackends,
}

public enum RunKind
{
    SetStock,
    Restart,
    Retry,
    Cancel,
    Investigate,
}

public enum DecisionKind
{
    Approve,
    Reject,
    Edit,
    Expire,
    Cancel,
}

public sealed record OrderLinePlan(int Book, int Quantity);

public abstract record PlannedOp(int Index, TimeSpan At);

/// <summary>A customer places an order; with a key it is retried with the same key after a timeout or 5xx, without one it is sent again as a new order.</summary>
public sealed record OrderOp(int Index, TimeSpan At, int Customer, IReadOnlyList<OrderLinePlan> Lines, bool UseKey, bool WithPayment, bool ResendAfterSuccess)
    : PlannedOp(Index, At);

/// <summary>An agent run started by the admin and decided as planned. <see cref="Target"/> picks an order (retry, cancel) at run time.</summary>
public sealed record RunOp(int Index, TimeSpan At, RunKind Kind, bool Orchestrated, DecisionKind Decision, TimeSpan DecisionDelay, bool DuplicateDecision,
    int Target, string Warehouse, int AgentBook, int Quantity, int EditedQuantity, int Sentinel) : PlannedOp(Index, At);

/// <summary>
/// A shipment instruction sent twice: either a copy of what the store sent for an order that shipped (to the same
/// warehouse), or an instruction of the harness's own (an id no order has) sent twice at once.
/// </summary>
public sealed record ShipmentOp(int Index, TimeSpan At, bool Replay, int Target, string Warehouse, Guid RawOrderId, int Book, int Quantity)
    : PlannedOp(Index, At);

/// <summary>A warehouse made slow or offline through the API, and cleared after <see cref="Hold"/>.</summary>
public sealed record WarehouseFaultOp(int Index, TimeSpan At, string Warehouse, string Kind, int DelayMs, TimeSpan Hold) : PlannedOp(Index, At);

/// <summary>A process-level fault: the target is killed (then restarted after <see cref="Hold"/>), stalled for Hold, or its connections cut.</summary>
public sealed record PlannedFault(int Index, TimeSpan At, FaultKind Kind, string Target, TimeSpan Hold);

/// <summary>
/// Everything a schedule will do, drawn up front from one <see cref="Random"/> seeded with the schedule's seed: the
/// same seed always gives the same plan (operations, faults, offsets, arguments). What the real system does with it
/// is timing-dependent; "replays exactly" means this plan.
/// </summary>
public sealed record SchedulePlan(
    int Schedule,
    int Seed,
    TimeSpan Duration,
    IReadOnlyDictionary<(string Warehouse, int Book), int> InitialStock,
    int Customers,
    int AgentBooks,
    IReadOnlyList<PlannedOp> Ops,
    IReadOnlyList<PlannedFault> Faults)
{
    public static readonly string[] Warehouses = ["alpha", "beta"];
    public const int SeedBooks = 10;
    public const int AgentBookInitialStock = 7;

    /// <summary>The schedule's own seed: a fixed mix of the run's seed and the schedule's index.</summary>
    public static int SeedFor(long seed, int schedule)
    {
        unchecked
        {
            var x = (ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)(schedule + 1) * 0xBF58476D1CE4E5B9UL;
            x ^= x >> 31;
            x *= 0x94D049BB133111EBUL;
            x ^= x >> 29;
            return (int)(x & 0x7FFFFFFF);
        }
    }

    public static SchedulePlan Create(int schedule, long seed, TimeSpan duration, double orderRate)
    {
        var scheduleSeed = SeedFor(seed, schedule);
        var random = new Random(scheduleSeed);
        var seconds = duration.TotalSeconds;

        var stock = new Dictionary<(string, int), int>();
        foreach (var warehouse in Warehouses)
        {
            for (var book = 0; book < SeedBooks; book++) stock[(warehouse, book)] = random.Next(100) < 12 ? 0 : random.Next(5, 60);
        }

        var ops = new List<PlannedOp>();
        var index = 0;
        var agentBooks = 0;
        // Orders: a Poisson stream.
        for (var t = Exp(random, orderRate); t < seconds; t += Exp(random, orderRate))
        {
            var lineCount = random.Next(100) < 70 ? 1 : 2;
            var books = Enumerable.Range(0, SeedBooks).OrderBy(_ => random.Next()).Take(lineCount).ToList();
            var lines = books.Select(b => new OrderLinePlan(b, random.Next(1, 4))).ToList();
            ops.Add(new OrderOp(index++, At(t), random.Next(4), lines, UseKey: random.Next(100) < 70, WithPayment: random.Next(100) < 50,
                ResendAfterSuccess: random.Next(100) < 15));
        }
        // Agent runs: one every ~2.5 s.
        for (var t = 1 + Exp(random, 1 / 2.5); t < seconds; t += Exp(random, 1 / 2.5))
        {
            var kind = random.Next(100) switch { < 32 => RunKind.SetStock, < 52 => RunKind.Restart, < 70 => RunKind.Retry, < 90 => RunKind.Cancel, _ => RunKind.Investigate };
            var decision = random.Next(100) switch { < 40 => DecisionKind.Approve, < 60 => DecisionKind.Reject, < 75 => DecisionKind.Edit, < 90 => DecisionKind.Expire, _ => DecisionKind.Cancel };
            var warehouse = Warehouses[random.Next(Warehouses.Length)];
            var agentBook = kind == RunKind.SetStock ? agentBooks++ : -1;
            // Distinct values per call (proposed, edited, and the harness's tripwire), none equal to the initial stock.
            var quantity = 1000 + agentBook * 10;
            ops.Add(new RunOp(index++, At(t), kind, Orchestrated: random.Next(100) < 30, decision,
                TimeSpan.FromMilliseconds(random.Next(200, 3000)), DuplicateDecision: random.Next(100) < 35,
                Target: random.Next(1000), warehouse, agentBook, quantity, quantity + 3, quantity + 7));
        }
        // Duplicate shipment instructions.
        for (var t = 2 + Exp(random, 0.15); t < seconds; t += Exp(random, 0.15))
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            ops.Add(new ShipmentOp(index++, At(t), Replay: random.Next(100) < 50, Target: random.Next(1000),
                Warehouses[random.Next(Warehouses.Length)], new Guid(bytes), random.Next(SeedBooks), random.Next(1, 3)));
        }
        // Warehouse faults through the API.
        var warehouseFaults = 1 + random.Next(Math.Max(1, (int)(seconds / 20)));
        for (var i = 0; i < warehouseFaults; i++)
        {
            ops.Add(new WarehouseFaultOp(index++, At(random.NextDouble() * seconds * 0.8), Warehouses[random.Next(Warehouses.Length)],
                random.Next(100) < 50 ? "slow" : "offline", random.Next(300, 3000), TimeSpan.FromSeconds(random.Next(3, 12))));
        }
        ops.Sort((a, b) => a.At.CompareTo(b.At));

        // Process faults, at least one, about one per 15 s of schedule.
        var faults = new List<PlannedFault>();
        var faultCount = Math.Max(1, (int)Math.Round(seconds / 15)) + random.Next(2);
        var kinds = Enum.GetValues<FaultKind>();
        for (var i = 0; i < faultCount; i++)
        {
            var kind = kinds[random.Next(kinds.Length)];
            var at = At(seconds * (0.1 + 0.7 * random.NextDouble()));
            var target = kind switch
            {
                FaultKind.KillSilo => "silo2",
                FaultKind.KillWeb => "web",
                FaultKind.StallSilo => random.Next(2) == 0 ? "silo2" : "web",
                _ => "postgres",
            };
            // Kills: how long the process stays down; stalls: SIGSTOP for 1-10 s (failure detection takes ~4 s).
            var hold = kind == FaultKind.StallSilo ? TimeSpan.FromMilliseconds(random.Next(1000, 10_001)) : TimeSpan.FromMilliseconds(random.Next(200, 3000));
            faults.Add(new PlannedFault(0, at, kind, target, hold));
        }
        faults = [.. faults.OrderBy(f => f.At).Select((f, i) => f with { Index = i })];

        return new SchedulePlan(schedule, scheduleSeed, duration, stock, 4, agentBooks, ops, faults);
    }

    private static double Exp(Random random, double rate) => -Math.Log(1 - random.NextDouble()) / rate;

    private static TimeSpan At(double seconds) => TimeSpan.FromMilliseconds(Math.Round(seconds * 1000));

    public string Describe()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"plan of schedule {Schedule} (seed {Seed}), {Duration.TotalSeconds:0} s: {Ops.Count} operations, {Faults.Count} process faults");
        text.AppendLine(c, $"  initial stock: {string.Join(", ", InitialStock.OrderBy(k => k.Key.Warehouse, StringComparer.Ordinal).ThenBy(k => k.Key.Book).Select(k => $"{k.Key.Warehouse}/book{k.Key.Book}={k.Value}"))}");
        var timeline = Ops.Select(o => (o.At, Text: DescribeOp(o)))
            .Concat(Faults.Select(f => (f.At, Text: $"FAULT #{f.Index} {f.Kind} {f.Target} hold {f.Hold.TotalMilliseconds:0} ms")))
            .OrderBy(x => x.At);
        foreach (var (at, line) in timeline) text.AppendLine(c, $"  t={at.TotalSeconds,7:0.000}s {line}");
        return text.ToString().TrimEnd();
    }

    private static string DescribeOp(PlannedOp op) => op switch
    {
        OrderOp o => string.Create(CultureInfo.InvariantCulture, $"op #{o.Index} order customer{o.Customer} [{string.Join(", ", o.Lines.Select(l => $"book{l.Book}x{l.Quantity}"))}] key={(o.UseKey ? "yes" : "no")} payment={(o.WithPayment ? "yes" : "no")}{(o.ResendAfterSuccess ? " resend" : "")}"),
        RunOp r => string.Create(CultureInfo.InvariantCulture, $"op #{r.Index} run {r.Kind}{(r.Orchestrated ? " (orchestrated)" : "")} {r.Warehouse}{(r.Kind == RunKind.SetStock ? $" agentbook{r.AgentBook} q={r.Quantity}" : "")} target={r.Target} decision={r.Decision} after {r.DecisionDelay.TotalMilliseconds:0} ms{(r.DuplicateDecision ? " twice" : "")}"),
        ShipmentOp s => s.Replay
            ? $"op #{s.Index} duplicate shipment instruction for shipped order pick={s.Target}"
            : string.Create(CultureInfo.InvariantCulture, $"op #{s.Index} shipment instruction {s.RawOrderId} to {s.Warehouse} book{s.Book}x{s.Quantity}, sent twice at once"),
        WarehouseFaultOp w => string.Create(CultureInfo.InvariantCulture, $"op #{w.Index} warehouse {w.Warehouse} {w.Kind}{(w.Kind == "slow" ? $" {w.DelayMs} ms" : "")} for {w.Hold.TotalSeconds:0} s"),
        _ => op.ToString(),
    };
}
