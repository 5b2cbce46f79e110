namespace AgentOps.OpsEvents;

[GenerateSerializer, Alias("AgentOps.OpsEventLogState")]
public sealed class OpsEventLogState
{
    /// <summary>Oldest first.</summary>
    [Id(0)] public List<OpsEvent> Events { get; set; } = [];
}
