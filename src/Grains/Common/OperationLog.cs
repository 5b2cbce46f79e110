namespace AgentOps.Common;

/// <summary>
/// The idempotency keys of operations a grain has applied, kept in the same state as their effect so that
/// "applied" and "recorded" are written together. Bounded: the oldest keys are forgotten first.
/// </summary>
[GenerateSerializer, Alias("AgentOps.OperationLog")]
public sealed class OperationLog
{
    public const int DefaultCapacity = 10_000;

    [Id(0)] public Dictionary<string, string> Results { get; set; } = [];

    [Id(1)] public Queue<string> Order { get; set; } = new();

    /// <summary>The recorded result of an operation applied before, if any.</summary>
    public bool TryGet(string? operationId, out string result)
    {
        result = "";
        return operationId is not null && Results.TryGetValue(operationId, out result!);
    }

    public void Record(string? operationId, string result, int capacity = DefaultCapacity)
    {
        if (operationId is null || !Results.TryAdd(operationId, result)) return;
        Order.Enqueue(operationId);
        while (Order.Count > capacity) Results.Remove(Order.Dequeue());
    }

    /// <summary>Undoes <see cref="Record"/> when the write that carried it failed.</summary>
    public void Forget(string? operationId)
    {
        if (operationId is null || !Results.Remove(operationId)) return;
        Order = new Queue<string>(Order.Where(id => id != operationId));
    }
}
