namespace AgentOps.Warehouses;

/// <summary>An injected fault, for exercising the ops agents.</summary>
[GenerateSerializer, Alias("AgentOps.FaultKind")]
public enum FaultKind
{
    None = 0,
    /// <summary>Fails health pings and refuses shipments.</summary>
    Offline = 1,
    /// <summary>Answers pings and shipments after a delay.</summary>
    Slow = 2,
}
