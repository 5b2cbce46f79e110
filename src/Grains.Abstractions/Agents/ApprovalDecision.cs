namespace AgentOps.Agents;

/// <summary>The outcome of a dangerous tool call's approval.</summary>
[GenerateSerializer, Alias("AgentOps.ApprovalDecision")]
public enum ApprovalDecision
{
    Approved = 0,
    Rejected = 1,
    /// <summary>Nobody decided in time; the tool does not run.</summary>
    Expired = 2,
}
