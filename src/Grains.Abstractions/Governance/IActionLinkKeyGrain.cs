namespace AgentOps.Governance;

/// <summary>
/// The cluster's key for signing approve/reject links when none is configured (one grain, key 0): made at random
/// once, stored sealed, so links outlive a restart and every web instance accepts the links of the others.
/// </summary>
[Alias("AgentOps.IActionLinkKeyGrain")]
public interface IActionLinkKeyGrain : IGrainWithIntegerKey
{
    /// <summary>The 32-byte HMAC key.</summary>
    [Alias("Get")]
    Task<byte[]> GetAsync();
}
