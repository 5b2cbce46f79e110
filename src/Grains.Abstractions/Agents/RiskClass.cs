namespace AgentOps.Agents;

/// <summary>How a tool call is gated: safe tools run at once, dangerous ones wait for a person.</summary>
[GenerateSerializer, Alias("AgentOps.RiskClass")]
public enum RiskClass
{
    Safe = 0,
    Dangerous = 1,
    /// <summary>Starts a child run; runs at once, the parent waits for the child.</summary>
    Delegation = 2,
}
