namespace AgentOps.OpsEvents;

[GenerateSerializer, Alias("AgentOps.OpsSeverity")]
public enum OpsSeverity
{
    Info = 0,
    Warning = 1,
    Error = 2,
    Critical = 3,
}
