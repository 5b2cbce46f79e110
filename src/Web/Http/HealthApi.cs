using AgentOps.Hosting;
using AgentOps.Warehouses;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentOps.Web.Http;

public sealed record HealthReport(string Status, string Storage, string Cluster, DateTimeOffset Timestamp);

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        foreach (var path in new[] { "/health", "/store/health" })
        {
            routes.MapGet(path, CheckAsync).WithTags("Health").WithName(path == "/health" ? "Health" : "StoreHealth")
                .WithSummary("Liveness and readiness: storage reachable, cluster answering.");
        }
        return routes;
    }

    private static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> CheckAsync(
        IGrainFactory grains, IOptions<AgentOpsStorageOptions> storage, TimeProvider clock, CancellationToken cancellationToken)
    {
        var storageStatus = await CheckStorageAsync(storage.Value, cancellationToken);
        string clusterStatus;
        try
        {
            await grains.GetGrain<IWarehouseRegistryGrain>(0).ListAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            clusterStatus = "ok";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            clusterStatus = "unavailable";
        }
        var healthy = storageStatus is "ok" or "memory" && clusterStatus == "ok";
        var report = new HealthReport(healthy ? "ok" : "degraded", storageStatus, clusterStatus, clock.GetUtcNow());
        return healthy ? TypedResults.Ok(report) : TypedResults.Json(report, ApiJson.Options, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<string> CheckStorageAsync(AgentOpsStorageOptions storage, CancellationToken cancellationToken)
    {
        if (storage.Provider == StorageProvider.Memory) return "memory";
        try
        {
            await using var connection = new NpgsqlConnection(storage.ConnectionString);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await connection.OpenAsync(timeout.Token);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(timeout.Token);
            return "ok";
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return "unreachable";
        }
    }
}
