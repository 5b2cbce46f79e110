using System.Diagnostics.Metrics;

namespace AgentOps.Observability;

/// <summary>The product's own metrics (meter <c>AgentOps</c>), next to the ones Orleans and ASP.NET Core publish.</summary>
public static class AgentOpsMetrics
{
    public const string MeterName = "AgentOps";

    private static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Counter<long> OrdersPlaced = Meter.CreateCounter<long>("agentops.orders.placed", "{order}", "Orders accepted, by the status they reached when answered.");
    private static readonly Histogram<double> OrderDuration = Meter.CreateHistogram<double>("agentops.orders.duration", "ms", "Time to place and fulfil an order.");
    private static readonly Counter<long> RunsStarted = Meter.CreateCounter<long>("agentops.runs.started", "{run}", "Agent runs started, by agent.");
    private static readonly Counter<long> RunsFinished = Meter.CreateCounter<long>("agentops.runs.finished", "{run}", "Agent runs that reached an end state, by status.");
    private static readonly Counter<long> Decisions = Meter.CreateCounter<long>("agentops.approvals.decided", "{decision}", "Decisions on dangerous tool calls, by outcome.");
    private static readonly Counter<long> ToolCalls = Meter.CreateCounter<long>("agentops.tools.executed", "{call}", "Tool executions, by tool and status.");

    private static long _approvalsWaiting;

    static AgentOpsMetrics() =>
        Meter.CreateObservableGauge("agentops.approvals.waiting", () => Interlocked.Read(ref _approvalsWaiting), "{call}",
            "Tool calls waiting for approval in the whole cluster (sampled from the run table).");

    public static void OrderPlaced(string status, double milliseconds)
    {
        OrdersPlaced.Add(1, new KeyValuePair<string, object?>("status", status));
        OrderDuration.Record(milliseconds, new KeyValuePair<string, object?>("status", status));
    }

    public static void RunStarted(string agent) => RunsStarted.Add(1, new KeyValuePair<string, object?>("agent", agent));

    public static void RunFinished(string agent, string status) =>
        RunsFinished.Add(1, new KeyValuePair<string, object?>("agent", agent), new KeyValuePair<string, object?>("status", status));

    public static void Decided(string outcome) => Decisions.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public static void ToolExecuted(string tool, bool success) =>
        ToolCalls.Add(1, new KeyValuePair<string, object?>("tool", tool), new KeyValuePair<string, object?>("status", success ? "success" : "error"));

    public static void SetApprovalsWaiting(long count) => Interlocked.Exchange(ref _approvalsWaiting, count);
}
