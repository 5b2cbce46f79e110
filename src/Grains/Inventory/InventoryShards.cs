namespace AgentOps.Inventory;

/// <summary>Which inventory-cache shard holds a book.</summary>
public static class InventoryShards
{
    public const int Count = 8;

    public static int For(Guid bookId)
    {
        Span<byte> bytes = stackalloc byte[16];
        bookId.TryWriteBytes(bytes);
        return (int)(BitConverter.ToUInt32(bytes) % Count);
    }
}
