using AgentOps.Warehouses;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentOps.Hosting;

/// <summary>
/// Registers the warehouses this silo hosts (<c>AgentOps:Warehouses</c>) with the registry, retrying with
/// exponential backoff until the cluster accepts it.
/// </summary>
internal sealed class WarehouseAutoRegistration(
    IGrainFactory grains,
    IOptions<WarehouseHostingOptions> options,
    ILogger<WarehouseAutoRegistration> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var hosting = options.Value;
        foreach (var name in hosting.Names)
        {
            var url = $"{hosting.PublicUrl.TrimEnd('/')}/warehouses/{name}";
            var delay = TimeSpan.FromMilliseconds(500);
            for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
            {
                try
                {
                    await grains.GetGrain<IWarehouseRegistryGrain>(0).RegisterAsync(name, url);
                    logger.LogInformation("Warehouse {Warehouse} registered (attempt {Attempt})", name, attempt);
                    break;
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning("Registering warehouse {Warehouse} failed (attempt {Attempt}): {Error}; retrying in {Delay}",
                        name, attempt, e.Message, delay);
                    await Task.Delay(delay, stoppingToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, hosting.MaxRetryDelay.Ticks));
                }
            }
        }
    }
}
