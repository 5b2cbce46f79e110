namespace AgentOps.Agents;

/// <summary>Why a suspended run resumed: the outcome of a dangerous tool call's approval, or the end of a child run.</summary>
[GenerateSerializer, Alias("AgentOps.ApprovalDecision")]
public enum ApprovalDecision
{
    Approved = 0,
    Rejected = 1,
    /// <summary>Nobody decided in time; the tool does not run.</summary>
    Expired = 2,
    /// <summary>Not a person's decision: the child run this run waited for ended (journaled as <c>child_ended</c>).</summary>
    ChildEnded = 3,
}
