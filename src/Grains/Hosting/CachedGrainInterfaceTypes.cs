using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;

namespace AgentOps.Hosting;

/// <summary>
/// Remembers each grain interface's <see cref="GrainInterfaceType"/>. Orleans' <c>GetGrain&lt;T&gt;(key)</c> asks the
/// interface type providers on every call, and the attribute provider reads the interface's custom attributes by
/// reflection each time, to find none on our interfaces and fall back to the naming convention: ~8 % of the
/// thread-pool time of the agents scenario (dotnet-trace, 16 clients). Registered first, this answers from memory what
/// the providers after it, or else Orleans' convention, answered once.
/// </summary>
public sealed class CachedGrainInterfaceTypes(IServiceProvider services) : IGrainInterfaceTypeProvider
{
    private readonly ConcurrentDictionary<Type, GrainInterfaceType> _known = new();
    private IGrainInterfaceTypeProvider[]? _others;

    public bool TryGetGrainInterfaceType(Type type, out GrainInterfaceType grainInterfaceType)
    {
        grainInterfaceType = _known.GetOrAdd(type, Resolve);
        return true;
    }

    private GrainInterfaceType Resolve(Type type)
    {
        // Resolved on first use: the providers and the resolver depend on this one.
        _others ??= [.. services.GetServices<IGrainInterfaceTypeProvider>().Where(p => !ReferenceEquals(p, this))];
        foreach (var provider in _others)
        {
            if (provider.TryGetGrainInterfaceType(type, out var found)) return found;
        }
        return services.GetRequiredService<GrainInterfaceTypeResolver>().GetGrainInterfaceTypeByConvention(type);
    }

    /// <summary>Puts the cache in front of the providers Orleans registered.</summary>
    public static void AddTo(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(CachedGrainInterfaceTypes))) return;
        services.AddSingleton<CachedGrainInterfaceTypes>();
        services.Insert(0, ServiceDescriptor.Singleton<IGrainInterfaceTypeProvider>(sp => sp.GetRequiredService<CachedGrainInterfaceTypes>()));
    }
}
