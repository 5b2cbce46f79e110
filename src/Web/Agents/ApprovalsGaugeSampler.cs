using AgentOps.Agents;
using AgentOps.Observability;

namespace AgentOps.Web.Agents;

/// <summary>Samples how many tool calls wait for approval cluster-wide, for the <c>agentops.approvals.waiting</c> gauge.</summary>
public sealed class ApprovalsGaugeSampler(IClusterClient client, ILogger<ApprovalsGaugeSampler> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        do
        {
            try
            {
                await SampleAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "Could not sample the approvals waiting");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Reads the count and publishes it; returns it.</summary>
    internal async Task<long> SampleAsync()
    {
        long waiting = (await client.GetGrain<IRunDirectoryGrain>(0).ListPendingApprovalsAsync(new ApprovalQuery(Limit: 1))).Total;
        AgentOpsMetrics.SetApprovalsWaiting(waiting);
        return waiting;
    }
}
