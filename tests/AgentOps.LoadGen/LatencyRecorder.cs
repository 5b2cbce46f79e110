using System.Collections.Concurrent;

namespace AgentOps.LoadGen;

/// <summary>Latencies and errors of measured requests; one bucket per worker so recording never contends.</summary>
public sealed class LatencyRecorder
{
    private readonly ConcurrentBag<List<double>> _buckets = [];
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private ConcurrentQueue<double> _interval = new();
    private long _count;
    private long _errorCount;

    public long Count => Interlocked.Read(ref _count);

    public long Errors => Interlocked.Read(ref _errorCount);

    public IReadOnlyDictionary<string, int> ErrorKinds => _errors;

    public List<double> NewBucket()
    {
        var bucket = new List<double>(4096);
        _buckets.Add(bucket);
        return bucket;
    }

    public void Record(List<double> bucket, double milliseconds)
    {
        bucket.Add(milliseconds);
        _interval.Enqueue(milliseconds);
        Interlocked.Increment(ref _count);
    }

    public void Error(string kind)
    {
        _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _errorCount);
    }

    /// <summary>The latencies recorded since the previous call, for a timeline.</summary>
    public double[] TakeInterval() => [.. Interlocked.Exchange(ref _interval, new ConcurrentQueue<double>())];

    /// <summary>Nearest-rank percentile of <paramref name="sorted"/>.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>Percentiles (nearest rank) over every recorded latency.</summary>
    public (double P50, double P95, double P99, double Max) Percentiles()
    {
        var all = _buckets.SelectMany(b => b).ToArray();
        if (all.Length == 0) return (0, 0, 0, 0);
        Array.Sort(all);
        return (Percentile(all, 0.50), Percentile(all, 0.95), Percentile(all, 0.99), all[^1]);
    }
}
