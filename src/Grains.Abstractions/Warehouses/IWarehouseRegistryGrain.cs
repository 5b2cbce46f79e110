using System.Collections.Immutable;

namespace AgentOps.Warehouses;

/// <summary>Which warehouses exist and how healthy they are (key 0). Owns the health-check reminder.</summary>
[Alias("AgentOps.IWarehouseRegistryGrain")]
public interface IWarehouseRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Idempotent upsert: registering again updates the URL and keeps the status.</summary>
    [Alias("Register")]
    Task<WarehouseRegistration> RegisterAsync(string name, string url);

    [Alias("List"), AlwaysInterleave]
    Task<ImmutableArray<WarehouseRegistration>> ListAsync();

    [Alias("Get"), AlwaysInterleave]
    Task<WarehouseRegistration?> GetAsync(string name);

    /// <summary>Pings every registered warehouse now and records HEALTHY / OFFLINE.</summary>
    [Alias("CheckHealth")]
    Task<ImmutableArray<WarehouseRegistration>> CheckHealthAsync();

    /// <summary>Makes sure the health-check reminder is registered.</summary>
    [Alias("EnsureStarted")]
    Task EnsureStartedAsync();
}
