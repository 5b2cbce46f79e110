namespace AgentOps.Governance;

/// <summary>What an approval policy does with a dangerous tool call it matches.</summary>
[GenerateSerializer, Alias("AgentOps.PolicyEffect")]
public enum PolicyEffect
{
    /// <summary>Wait for people: <see cref="ApprovalRequirement"/> says how many and with which roles.</summary>
    Require = 0,

    /// <summary>Approve at once, with no person involved; journaled as <c>decided_by: "policy:&lt;id&gt;"</c>.</summary>
    AutoApprove = 1,

    /// <summary>Refuse at once; the call does not run and the run is told why.</summary>
    Deny = 2,
}
