using Orleans.Storage;

namespace AgentOps.Orders;

/// <summary>
/// Grain storage for orders that keeps an order's state in its row of the order table (<see cref="IOrderStore"/>),
/// together with the row's status: one statement per write, batched with other orders' writes into one transaction,
/// where a separate grain-state table cost a transaction per order and a second update of the row. The row's
/// <c>state_version</c> is the ETag. An order whose state an earlier version wrote to the grain-state table is read
/// from there (<paramref name="legacy"/>) until its next write moves it to the row. A new order's row is added with its
/// first state at version 0, serialized by the same <paramref name="serializer"/> (keyed <c>StorageNames.Orders</c>).
/// </summary>
public sealed class OrderRowStorage(IOrderStore orders, IGrainStorageSerializer serializer, TimeProvider clock, IGrainStorage? legacy) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = await orders.ReadStateAsync(grainId.GetGuidKey());
        var version = (stored?.Version ?? 0).ToString();
        if (stored?.State is { } bytes)
        {
            grainState.State = serializer.Deserialize<T>(new BinaryData(bytes));
            grainState.ETag = version;
            grainState.RecordExists = true;
            return;
        }
        // Only a row without state can be such an order: earlier versions added the row before writing any state, so a
        // new order (no row yet, every placement) needs no second read.
        if (legacy is not null && stored is not null)
        {
            await legacy.ReadStateAsync(stateName, grainId, grainState);
            if (grainState.RecordExists)
            {
                grainState.ETag = version;
                return;
            }
        }
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = version;
        grainState.RecordExists = false;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var order = (grainState.State as OrderState)?.Order;
        await WriteAsync(grainId, grainState, serializer.Serialize(grainState.State).ToArray(), order?.Status, order?.UpdatedAt ?? clock.GetUtcNow());
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await WriteAsync(grainId, grainState, null, null, clock.GetUtcNow());
        grainState.State = Activator.CreateInstance<T>();
        grainState.RecordExists = false;
    }

    private async Task WriteAsync<T>(GrainId grainId, IGrainState<T> grainState, byte[]? state, OrderStatus? status, DateTimeOffset at)
    {
        var expected = int.TryParse(grainState.ETag, out var version) ? version : 0;
        if (!await orders.WriteStateAsync(grainId.GetGuidKey(), state, expected, status, at))
        {
            throw new InconsistentStateException($"Order {grainId.GetGuidKey()} has no row, or its state moved past version {expected}.", "unknown", grainState.ETag);
        }
        grainState.ETag = (expected + 1).ToString();
    }
}
