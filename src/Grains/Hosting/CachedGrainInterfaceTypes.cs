using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;

namespace AgentOps.Hosting;

/// <summary>
/// Remembers each grain interface's <see cref="GrainInterfaceType"/>. Orleans' <c>GetGrain&lt;T&gt;(key)</c> asks the
/// interface type providers on every call, and the attribute provider reads the interface's custom attributes by
/// reflection each time: ~8 % of the thread-pool time of the agents scenario (dotnet-trace, 16 clients). Registered
/// first, this answers from memory what the providers after it answered once; the convention fallback stays Orleans'.
/// </summary>
public sealed class CachedGrainInterfaceTypes(IServiceProvider services) : IGrainInterfaceTypeProvider
{
    private readonly ConcurrentDictionary<Type, GrainInterfaceType?> _known = new();
    private IGrainInterfaceTypeProvider[]? _others;

    public bool TryGetGrainInterfaceType(Type type, out GrainInterfaceType grainInterfaceType)
    {
        var known = _known.GetOrAdd(type, Resolve);
        grainInterfaceType = known.GetValueOrDefault();
        return known.HasValue;
    }

    private GrainInterfaceType? Resolve(Type type)
    {
        // Resolved on first use: the providers are a dependency of the resolver that asks this one.
        _others ??= [.. services.GetServices<IGrainInterfaceTypeProvider>().Where(p => !ReferenceEquals(p, this))];
        foreach (var provider in _others)
        {
            if (provider.TryGetGrainInterfaceType(type, out var found)) return found;
        }
        return null;
    }

    /// <summary>Puts the cache in front of the providers Orleans registered.</summary>
    public static void AddTo(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(CachedGrainInterfaceTypes))) return;
        services.AddSingleton<CachedGrainInterfaceTypes>();
        services.Insert(0, ServiceDescriptor.Singleton<IGrainInterfaceTypeProvider>(sp => sp.GetRequiredService<CachedGrainInterfaceTypes>()));
    }
}
