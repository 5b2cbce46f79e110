using System.Buffers.Binary;
using AgentOps.Hosting;

namespace AgentOps.Agents;

/// <summary>
/// Where a run's live journal events go: one of a fixed set of streams, chosen by the watched run's id. With a stream
/// per run, every run paid for a pub-sub registration and a pulling-agent entry that each queue read scanned
/// (~10 % of the web process's CPU at 500 runs/s, in a profile); a watcher now reads its shard and keeps its run's items.
/// </summary>
public static class RunStreams
{
    /// <summary>Streams in the set: few enough to stay registered, enough that a watcher skips little.</summary>
    public const int Count = 32;

    public static StreamId For(Guid watchedRunId) => StreamId.Create(StorageNames.RunStreamNamespace, $"shard-{Shard(watchedRunId)}");

    /// <summary>From the id's bytes, not <see cref="Guid.GetHashCode"/>: publishers and watchers in other processes must agree.</summary>
    public static int Shard(Guid runId)
    {
        Span<byte> bytes = stackalloc byte[16];
        runId.TryWriteBytes(bytes);
        var mixed = BinaryPrimitives.ReadUInt32LittleEndian(bytes) ^ BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..])
            ^ BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]) ^ BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
        return (int)(mixed % Count);
    }
}
