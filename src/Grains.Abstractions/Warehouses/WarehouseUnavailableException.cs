namespace AgentOps.Warehouses;

/// <summary>Thrown by a warehouse that is (made) offline.</summary>
[GenerateSerializer, Alias("AgentOps.WarehouseUnavailableException")]
public sealed class WarehouseUnavailableException : Exception
{
    public WarehouseUnavailableException() { }

    public WarehouseUnavailableException(string message) : base(message) { }

    public WarehouseUnavailableException(string message, Exception inner) : base(message, inner) { }
}
