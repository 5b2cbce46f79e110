using System.Security.Claims;
using AgentOps.Agents;
using AgentOps.Common;
using AgentOps.Web.Auth;

namespace AgentOps.Web.Agents;

/// <summary>
/// Starts top-level runs for the API and the UI alike. A customer's start goes through the user's
/// <see cref="IRunAdmissionGrain"/> (per-user limits); a STORE_ADMIN's does not: admins operate the inbox and the
/// load generator runs as one, and their runs are not limited.
/// </summary>
public sealed class RunLauncher(IGrainFactory grains)
{
    public async Task<(Guid RunId, RunCommandResult Result)> StartAsync(ClaimsPrincipal caller, StartRun command)
    {
        var runId = TimeOrderedIds.New();
        // The run acts for the person starting it, with that person's rights (AccessRules).
        command = command with { RequestedBy = caller.Email() };
        var result = caller.IsStoreAdmin()
            ? await grains.GetGrain<IAgentRunGrain>(runId).StartAsync(command)
            : await grains.GetGrain<IRunAdmissionGrain>(command.UserId).StartAsync(runId, command);
        return (runId, result);
    }
}
