using Microsoft.Extensions.Logging;

namespace AgentOps.Hosting;

/// <summary>The web tier may start before any silo: keep trying to connect for a while instead of failing.</summary>
internal sealed class ClientConnectRetryFilter(ILogger<ClientConnectRetryFilter> logger) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(2);
    private readonly DateTime _started = DateTime.UtcNow;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (DateTime.UtcNow - _started > GiveUpAfter || cancellationToken.IsCancellationRequested) return false;
        logger.LogWarning("No silo reachable yet ({Error}); retrying", exception.Message);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        return true;
    }
}
