using System.Collections.Immutable;
using System.Reflection;
using AgentOps.Catalog;
using AgentOps.Web.Catalog;

namespace AgentOps.Tests.Web;

/// <summary>Issue 11, defect 6: the front door's catalog snapshot must not keep a finished refresh or lose an invalidation.</summary>
public sealed class CatalogReadCacheTests
{
    [Fact]
    public async Task An_invalidation_during_a_refresh_is_not_lost_to_that_refresh()
    {
        var catalog = new ScriptedCatalog();
        var cache = new CatalogReadCache(FakeGrains.With(catalog), new ManualClock());
        var before = new TaskCompletionSource<ImmutableArray<Book>>();
        var after = new TaskCompletionSource<ImmutableArray<Book>>();
        catalog.Answers.Enqueue(before.Task);
        catalog.Answers.Enqueue(after.Task);

        var stale = cache.GetAsync();         // a refresh reads the catalog as it was …
        cache.Invalidate();                   // … a book changes meanwhile …
        var fresh = cache.GetAsync();         // … so this read must not join that refresh.
        before.SetResult([Book("old title")]);
        after.SetResult([Book("new title")]);

        Assert.Equal("old title", (await stale).Active.Single().Title);
        Assert.Equal("new title", (await fresh).Active.Single().Title);
        Assert.Equal("new title", (await cache.GetAsync()).Active.Single().Title);
        Assert.Equal(2, catalog.Calls);
    }

    [Fact]
    public async Task A_refresh_that_completed_at_once_is_not_kept_for_ever()
    {
        var catalog = new ScriptedCatalog();
        var clock = new ManualClock();
        var cache = new CatalogReadCache(FakeGrains.With(catalog), clock);
        catalog.Answers.Enqueue(Task.FromResult<ImmutableArray<Book>>([Book("first")]));
        catalog.Answers.Enqueue(Task.FromResult<ImmutableArray<Book>>([Book("second")]));

        Assert.Equal("first", (await cache.GetAsync()).Active.Single().Title);
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal("second", (await cache.GetAsync()).Active.Single().Title);
    }

    [Fact]
    public async Task A_snapshot_past_half_its_freshness_answers_at_once_and_is_refreshed_behind_it()
    {
        var catalog = new ScriptedCatalog();
        var clock = new ManualClock();
        var cache = new CatalogReadCache(FakeGrains.With(catalog), clock);
        var refreshed = new TaskCompletionSource<ImmutableArray<Book>>();
        catalog.Answers.Enqueue(Task.FromResult<ImmutableArray<Book>>([Book("first")]));
        catalog.Answers.Enqueue(refreshed.Task);
        catalog.Answers.Enqueue(Task.FromResult<ImmutableArray<Book>>([Book("third")]));
        Assert.Equal("first", (await cache.GetAsync()).Active.Single().Title);

        clock.Advance(TimeSpan.FromMilliseconds(600));
        var read = cache.GetAsync();

        // The read did not wait for the refresh it started …
        Assert.True(read.IsCompletedSuccessfully);
        Assert.Equal("first", (await read).Active.Single().Title);
        // … and once the snapshot is past its freshness, reads get what that refresh brought.
        refreshed.SetResult([Book("second")]);
        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal("second", (await cache.GetAsync()).Active.Single().Title);
    }

    private static Book Book(string title) =>
        new(Guid.NewGuid(), "isbn", title, "author", null, 1m, null, null, null, true, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    /// <summary>The catalog grain's ListAsync answers in the order given.</summary>
    public sealed class ScriptedCatalog
    {
        public Queue<Task<ImmutableArray<Book>>> Answers { get; } = new();

        public int Calls { get; private set; }

        public Task<ImmutableArray<Book>> ListAsync()
        {
            Calls++;
            return Answers.Dequeue();
        }
    }

    /// <summary>A grain factory that hands out only the scripted catalog grain.</summary>
    public class FakeGrains : DispatchProxy
    {
        private object? _catalog;

        internal static IGrainFactory With(ScriptedCatalog catalog)
        {
            var factory = Create<IGrainFactory, FakeGrains>();
            var grain = Create<ICatalogGrain, FakeCatalogGrain>();
            ((FakeCatalogGrain)(object)grain).Script = catalog;
            ((FakeGrains)(object)factory)._catalog = grain;
            return factory;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args) =>
            method?.Name == nameof(IGrainFactory.GetGrain) && method.ReturnType == typeof(ICatalogGrain)
                ? _catalog
                : throw new NotSupportedException(method?.Name);
    }

    public class FakeCatalogGrain : DispatchProxy
    {
        internal ScriptedCatalog Script { get; set; } = null!;

        protected override object? Invoke(MethodInfo? method, object?[]? args) =>
            method?.Name == nameof(ICatalogGrain.ListAsync) ? Script.ListAsync() : throw new NotSupportedException(method?.Name);
    }
}
