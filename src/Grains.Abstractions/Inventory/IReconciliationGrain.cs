namespace AgentOps.Inventory;

/// <summary>Runs inventory reconciliation (key 0) on its reminder and on demand.</summary>
[Alias("AgentOps.IReconciliationGrain")]
public interface IReconciliationGrain : IGrainWithIntegerKey
{
    [Alias("Run")]
    Task<ReconciliationReport> RunAsync(string trigger);

    [Alias("GetLast"), AlwaysInterleave]
    Task<ReconciliationReport?> GetLastAsync();

    [Alias("EnsureStarted")]
    Task EnsureStartedAsync();
}
