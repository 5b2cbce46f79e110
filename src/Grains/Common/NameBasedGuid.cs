using System.Security.Cryptography;
using System.Text;

namespace AgentOps.Common;

/// <summary>
/// RFC 9562 version-5 (name-based, SHA-1) identifiers: the same namespace and name always give the same id,
/// which makes seed data and idempotency keys map to the same grain on every run.
/// </summary>
public static class NameBasedGuid
{
    public static readonly Guid Books = new("7d3c6f1e-2a4b-4c1d-9e8f-0a1b2c3d4e5f");
    public static readonly Guid Orders = new("1f0e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b");
    public static readonly Guid Warehouses = new("b2a1c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d");
    public static readonly Guid Users = new("c4d5e6f7-0819-4a2b-9c3d-4e5f60718293");
    public static readonly Guid Runs = new("e8f9a0b1-c2d3-4e5f-8a6b-7c8d9e0f1a2b");

    public static Guid Create(Guid namespaceId, string name)
    {
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetByteCount(name)];
        namespaceId.TryWriteBytes(input[..16], bigEndian: true, out _);
        Encoding.UTF8.GetBytes(name, input[16..]);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
