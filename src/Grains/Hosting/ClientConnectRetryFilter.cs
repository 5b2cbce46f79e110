using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentOps.Hosting;

/// <summary>
/// The web tier may start before any silo: keep trying for <see cref="AgentOpsClusterOptions.ClientConnectTimeout"/>,
/// but give up at once on a certificate the cluster rejects, which no retry can fix.
/// </summary>
internal sealed class ClientConnectRetryFilter(IOptions<AgentOpsClusterOptions> options, ILogger<ClientConnectRetryFilter> logger) : IClientConnectionRetryFilter
{
    private readonly DateTime _started = DateTime.UtcNow;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return false;
        if (IsCertificateProblem(exception))
        {
            logger.LogError(exception, "The cluster refused this client's TLS credentials; check AgentOps:Cluster:Tls");
            return false;
        }
        if (DateTime.UtcNow - _started > options.Value.ClientConnectTimeout) return false;
        logger.LogWarning("No silo reachable yet ({Error}); retrying", exception.Message);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        return true;
    }

    private static bool IsCertificateProblem(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is AuthenticationException) return true;
            if (exception is AggregateException aggregate && aggregate.InnerExceptions.Any(IsCertificateProblem)) return true;
        }
        return false;
    }
}
