using System.Globalization;

namespace AgentOps.LoadGen;

public enum Scenario
{
    Orders,
    Reads,
    Agents,
    Mixed,
}

/// <summary>Command-line options; every one has a default so `--url URL` alone runs a 30 s order test.</summary>
public sealed record LoadOptions(
    Uri Url, Scenario Scenario, TimeSpan Duration, int Concurrency, string Admin, string Customer, int Stock, TimeSpan Warmup,
    string? Timeline = null)
{
    public const string Usage = """
        usage: AgentOps.LoadGen --url URL [--scenario orders|reads|agents|mixed] [--duration S] [--concurrency C]
                                [--admin EMAIL:PASSWORD] [--customer EMAIL:PASSWORD] [--stock N] [--warmup S]
                                [--timeline FILE]
          --url          front door, e.g. http://localhost:8080 (required)
          --scenario     orders (default): customers place one-book orders; reads: book lookups and catalog pages;
                         agents: inventory runs with one dangerous set_stock each, approved automatically;
                         mixed: 70% reads, 25% orders, 5% agent runs
          --duration     seconds of measured load (default 30)
          --concurrency  requests in flight (default 32)
          --stock        stock per book and warehouse set before the run so orders do not run dry (default 1000000; 0 keeps it)
          --warmup       seconds of unmeasured load first (default 3)
          --timeline     appends one JSON line per 10 s of measured load to FILE: t_s, requests, throughput_rps, p99_ms, errors
        The last line printed is one JSON object: scenario, requests, throughput_rps, p50_ms, p95_ms, p99_ms, errors, invariant.
        """;

    public static LoadOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            values[args[i][2..]] = args[++i];
        }
        var unknown = values.Keys.Except(["url", "scenario", "duration", "concurrency", "admin", "customer", "stock", "warmup", "timeline"]).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"Unknown option --{unknown[0]}.");
        if (!values.TryGetValue("url", out var url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri)) throw new ArgumentException("--url is required (an absolute URL).");
        var scenario = values.TryGetValue("scenario", out var s)
            ? Enum.TryParse<Scenario>(s, ignoreCase: true, out var parsed) && !int.TryParse(s, out _) ? parsed : throw new ArgumentException($"Unknown scenario '{s}'.")
            : Scenario.Orders;
        return new LoadOptions(uri, scenario,
            TimeSpan.FromSeconds(Positive(values, "duration", 30)),
            Positive(values, "concurrency", 32),
            values.GetValueOrDefault("admin", "admin@bookstore.com:admin123"),
            values.GetValueOrDefault("customer", "alice@customer.com:alice123"),
            NonNegative(values, "stock", 1_000_000),
            TimeSpan.FromSeconds(NonNegative(values, "warmup", 3)),
            values.GetValueOrDefault("timeline"));
    }

    private static int Positive(Dictionary<string, string> values, string name, int fallback)
    {
        var value = NonNegative(values, name, fallback);
        return value > 0 ? value : throw new ArgumentException($"--{name} must be positive.");
    }

    private static int NonNegative(Dictionary<string, string> values, string name, int fallback) =>
        !values.TryGetValue(name, out var text) ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new ArgumentException($"--{name} must be a whole number.");
}
