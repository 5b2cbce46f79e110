namespace AgentOps.Inventory;

[GenerateSerializer, Alias("AgentOps.ReconciliationState")]
public sealed class ReconciliationState
{
    [Id(0)] public ReconciliationReport? Last { get; set; }
}
