using AgentOps.Hosting;
using AgentOps.Orders;
using AgentOps.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.Serialization.TypeSystem;

namespace AgentOps.Tests.Web;

/// <summary>The interface-type cache answers exactly what Orleans' providers would, and answers first.</summary>
[Collection(WebAppCollection.Name)]
public sealed class GrainInterfaceTypeCacheTests(WebAppFixture app)
{
    [Fact]
    public void Every_grain_interface_resolves_to_the_type_the_orleans_providers_give_it_first_and_then_from_the_cache_alone()
    {
        var providers = app.Services.GetServices<IGrainInterfaceTypeProvider>().ToList();
        var cache = Assert.IsType<CachedGrainInterfaceTypes>(providers[0]);
        Assert.Single(providers, p => p is CachedGrainInterfaceTypes);
        var uncached = new GrainInterfaceTypeResolver(providers.Skip(1), app.Services.GetRequiredService<TypeConverter>());
        var resolver = app.Services.GetRequiredService<GrainInterfaceTypeResolver>();

        var interfaces = typeof(IOrderGrain).Assembly.GetTypes().Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t)).ToList();
        Assert.True(interfaces.Count >= 10, $"only {interfaces.Count} grain interfaces found");
        foreach (var type in interfaces)
        {
            var expected = uncached.GetGrainInterfaceType(type);
            Assert.Equal(expected, resolver.GetGrainInterfaceType(type));
            // The cache answers itself, so the resolver asks no provider after it (nor its convention) again.
            Assert.True(cache.TryGetGrainInterfaceType(type, out var cached), $"{type.Name} is not answered from the cache");
            Assert.Equal(expected, cached);
        }
    }
}
