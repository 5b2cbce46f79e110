using System.Globalization;
using AgentOps.Common;
using AgentOps.Hosting;
using Microsoft.Extensions.Options;

namespace AgentOps.Agents;

/// <summary>
/// Admits a user's new top-level runs within <see cref="AgentOptions.MaxActiveRunsPerUser"/> and
/// <see cref="AgentOptions.MaxPendingApprovalsPerUser"/>. The counts come from the run table (the truth on every
/// silo, after restarts too); the grain is not reentrant, so a user's concurrent starts are counted one after the
/// other and each sees the runs admitted before it.
/// </summary>
public sealed class RunAdmissionGrain(IOptions<AgentOptions> options) : Grain, IRunAdmissionGrain
{
    private string UserId => this.GetPrimaryKeyString();

    public async Task<RunCommandResult> StartAsync(Guid runId, StartRun command)
    {
        if (command.UserId != UserId || command.ParentRunId is not null)
            return new RunCommandResult(null, Errors.Validation("invalid_user_id", "A run is admitted for its own user, and child runs need no admission."));

        var limits = options.Value;
        var load = await GrainFactory.GetGrain<IRunDirectoryGrain>(0).LoadOfAsync(UserId);
        if (load.ActiveRuns >= limits.MaxActiveRunsPerUser)
        {
            return Refuse($"You have {load.ActiveRuns} unfinished runs, the most one user may have; start another when one ends.",
                "max_active_runs", limits.MaxActiveRunsPerUser);
        }
        if (load.PendingApprovals >= limits.MaxPendingApprovalsPerUser)
        {
            return Refuse($"{load.PendingApprovals} tool calls of your runs are waiting for approval, the most one user may have; start another run when they are decided.",
                "max_pending_approvals", limits.MaxPendingApprovalsPerUser);
        }
        // Awaited inside this turn: the run's row exists before the next start of this user is counted.
        return await GrainFactory.GetGrain<IAgentRunGrain>(runId).StartAsync(command);

        RunCommandResult Refuse(string message, string limit, int value) => new(null, Errors.RateLimited(message, limits.RunLimitRetryAfter,
            new Dictionary<string, string> { ["limit"] = limit, ["max"] = value.ToString(CultureInfo.InvariantCulture) }));
    }
}
