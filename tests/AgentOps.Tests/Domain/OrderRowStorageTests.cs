using AgentOps.Orders;
using Orleans.Storage;

namespace AgentOps.Tests.Domain;

/// <summary>Where an order's state is read from: its row, or (for an order an earlier version wrote) the grain-state table.</summary>
public sealed class OrderRowStorageTests
{
    private static readonly GrainId Order = GrainId.Create("order", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_new_order_without_a_row_is_not_looked_up_in_the_grain_state_table()
    {
        var legacy = new CountingStorage();
        var storage = new OrderRowStorage(new InMemoryOrderStore($"orders-{Guid.NewGuid():N}"), new UnusedSerializer(), TimeProvider.System, legacy);
        var state = new GrainState<OrderState>();

        await storage.ReadStateAsync("order", Order, state);

        Assert.Equal((0, false, "0"), (legacy.Reads, state.RecordExists, state.ETag));
    }

    [Fact]
    public async Task An_order_whose_row_has_no_state_is_read_from_the_grain_state_table()
    {
        var store = new InMemoryOrderStore($"orders-{Guid.NewGuid():N}");
        Assert.True(await store.AddAsync(Order.GetGuidKey(), Guid.NewGuid(), OrderStatus.Pending, DateTimeOffset.UtcNow));
        var legacy = new CountingStorage { Exists = true };
        var storage = new OrderRowStorage(store, new UnusedSerializer(), TimeProvider.System, legacy);
        var state = new GrainState<OrderState>();

        await storage.ReadStateAsync("order", Order, state);

        Assert.Equal((1, true), (legacy.Reads, state.RecordExists));
    }

    [Fact]
    public async Task A_row_added_with_its_first_state_is_read_from_the_row_at_version_0()
    {
        var store = new InMemoryOrderStore($"orders-{Guid.NewGuid():N}");
        Assert.True(await store.AddAsync(Order.GetGuidKey(), Guid.NewGuid(), OrderStatus.Pending, DateTimeOffset.UtcNow, state: [42]));
        var legacy = new CountingStorage { Exists = true };
        var storage = new OrderRowStorage(store, new OneStateSerializer(), TimeProvider.System, legacy);
        var state = new GrainState<OrderState>();

        await storage.ReadStateAsync("order", Order, state);

        Assert.Equal((0, true, "0"), (legacy.Reads, state.RecordExists, state.ETag));
        Assert.Same(OneStateSerializer.State, state.State);
    }

    private sealed class OneStateSerializer : IGrainStorageSerializer
    {
        public static readonly OrderState State = new();

        public BinaryData Serialize<T>(T? input) => throw new NotSupportedException();

        public T Deserialize<T>(BinaryData input) => input.ToArray() is [42] ? (T)(object)State : throw new InvalidOperationException("unexpected bytes");
    }

    private sealed class CountingStorage : IGrainStorage
    {
        public int Reads { get; private set; }
        public bool Exists { get; init; }

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Reads++;
            grainState.RecordExists = Exists;
            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new NotSupportedException();

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new NotSupportedException();
    }

    private sealed class UnusedSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => throw new NotSupportedException();

        public T Deserialize<T>(BinaryData input) => throw new NotSupportedException();
    }
}
