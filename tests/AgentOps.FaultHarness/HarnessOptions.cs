using System.Globalization;

namespace AgentOps.FaultHarness;

/// <summary>Command-line options. Every one has a default, so no option at all runs one schedule with seed 1.</summary>
public sealed record HarnessOptions(
    int Schedules,
    long Seed,
    TimeSpan Duration,
    TimeSpan ApprovalTimeout,
    TimeSpan PendingPatience,
    double OrderRate,
    bool Verbose,
    bool Keep,
    bool Build,
    string RepoRoot,
    IReadOnlyList<KeyValuePair<string, string>> ExtraEnvironment)
{
    public const string Usage = """
        usage: AgentOps.FaultHarness [--schedules N] [--seed S] [--duration SECONDS] [--approval-timeout SECONDS]
                                     [--order-rate PER_SECOND] [--verbose] [--keep] [--no-build] [--repo PATH]
                                     [--env KEY=VALUE ...]
          --schedules         schedules to run (default 1); each gets a fresh database and cluster
          --seed              the seed every schedule's plan is derived from (default 1): the same seed and index
                              always give the same plan of operations and faults
          --duration          seconds of workload and faults per schedule (default 45), then recovery and checks
          --approval-timeout  AgentOps:Agents:ApprovalTimeout of the cluster under test (default 15), so that runs
                              left undecided expire within the schedule
          --order-rate        orders started per second (default 4)
          --verbose           print each schedule's plan (operations and faults with their offsets) and progress
          --keep              keep the temporary folder (PostgreSQL data, process logs) instead of removing it
          --no-build          do not build src/Web and src/Silo first (they must be built in Release)
          --repo              the repository root (default: found from the current folder upwards)
          --env KEY=VALUE     an extra environment variable for every cluster process (repeatable)
        One line per schedule, then one JSON line: {"schedules","faults_injected","orders","runs","violations","details"}.
        Exit code 0 only when there is no violation.
        """;

    public static HarnessOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var env = new List<KeyValuePair<string, string>>();
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Unexpected argument '{name}'.");
            name = name[2..];
            if (name is "verbose" or "keep" or "no-build")
            {
                flags.Add(name);
                continue;
            }
            if (i + 1 >= args.Length) throw new ArgumentException($"--{name} needs a value.");
            var value = args[++i];
            if (name == "env")
            {
                var eq = value.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) throw new ArgumentException("--env takes KEY=VALUE.");
                env.Add(KeyValuePair.Create(value[..eq], value[(eq + 1)..]));
                continue;
            }
            if (name is not ("schedules" or "seed" or "duration" or "approval-timeout" or "order-rate" or "repo"))
                throw new ArgumentException($"Unknown option --{name}.");
            values[name] = value;
        }

        var schedules = Int(values, "schedules", 1, 1, 10_000);
        var seed = values.TryGetValue("seed", out var s)
            ? long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsedSeed) ? parsedSeed : throw new ArgumentException("--seed must be an integer.")
            : 1;
        var duration = TimeSpan.FromSeconds(Int(values, "duration", 45, 5, 3600));
        var approval = TimeSpan.FromSeconds(Int(values, "approval-timeout", 15, 2, 3600));
        var rate = values.TryGetValue("order-rate", out var r)
            ? double.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsedRate) && parsedRate is > 0 and <= 200 ? parsedRate : throw new ArgumentException("--order-rate must be a number in (0, 200].")
            : 4.0;
        var repo = values.TryGetValue("repo", out var given) ? Path.GetFullPath(given) : FindRepoRoot();
        if (!File.Exists(Path.Combine(repo, "AgentOps.sln"))) throw new ArgumentException($"{repo} is not the AgentOps repository (no AgentOps.sln).");
        return new HarnessOptions(schedules, seed, duration, approval, TimeSpan.FromSeconds(60), rate,
            flags.Contains("verbose"), flags.Contains("keep"), !flags.Contains("no-build"), repo, env);
    }

    private static int Int(Dictionary<string, string> values, string name, int fallback, int min, int max)
    {
        if (!values.TryGetValue(name, out var text)) return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"--{name} must be a whole number from {min} to {max}.");
    }

    private static string FindRepoRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "AgentOps.sln"))) return dir.FullName;
            }
        }
        throw new ArgumentException("Could not find the repository root (AgentOps.sln); pass --repo.");
    }
}
