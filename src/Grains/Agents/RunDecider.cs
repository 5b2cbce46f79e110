using AgentOps.Hosting;

namespace AgentOps.Agents;

/// <summary>What a run does next, decided from its journal alone (the state <see cref="RunFold"/> builds).</summary>
public abstract record RunStep
{
    /// <summary>Not started, ended, or in a state nothing moves (a dangerous call without approval and not waiting).</summary>
    public static readonly RunStep Idle = new IdleStep();

    private sealed record IdleStep : RunStep;
}

/// <summary>Ask the planner for the next step.</summary>
public sealed record PlanStep : RunStep;

/// <summary>Run a tool call (safe, or dangerous and approved). Sent again, with the same call id, when its outcome is unknown.</summary>
public sealed record ExecuteStep(PendingCall Call) : RunStep;

/// <summary>Start the child run of a delegation call.</summary>
public sealed record DelegateStep(PendingCall Call) : RunStep;

/// <summary>End the run with a fatal SYSTEM_ERROR.</summary>
public sealed record FailStep(string Reason) : RunStep;

/// <summary>A dangerous call waits for a person until <paramref name="ExpiresAt"/>.</summary>
public sealed record AwaitDecisionStep(PendingCall Call, DateTimeOffset ExpiresAt) : RunStep;

/// <summary>Nobody decided in time: the call expires and does not run.</summary>
public sealed record ExpireStep(PendingCall Call) : RunStep;

/// <summary>The run waits for its child run.</summary>
public sealed record AwaitChildStep(Guid ChildRunId) : RunStep;

/// <summary>
/// The run's decisions as a pure function of its journal, next to <see cref="RunFold"/>: the grain only carries out the
/// step this returns, so the loop, the timers, the sweeper and the child-run coordination cannot disagree about what
/// a run should do, and unit tests can ask it directly.
/// </summary>
public static class RunDecider
{
    public static RunStep Next(RunState s, AgentOptions limits, DateTimeOffset now)
    {
        if (!s.Started || s.IsTerminal) return RunStep.Idle;

        if (s.Status == RunStatus.Suspended)
        {
            if (s.Pending is { AwaitingApproval: true } waiting)
            {
                var expiresAt = waiting.ExpiresAt ?? DateTimeOffset.MaxValue;
                return now >= expiresAt ? new ExpireStep(waiting) : new AwaitDecisionStep(waiting, expiresAt);
            }
            return s.BlockedByChild is { } child ? new AwaitChildStep(child) : RunStep.Idle;
        }

        if (s.Pending is { AwaitingApproval: false } pending)
        {
            if (pending.Risk == RiskClass.Dangerous && pending.Decision != ApprovalDecision.Approved) return RunStep.Idle;
            // A call whose outcome is unknown is sent again with the same call id (idempotent), but not without end.
            if (s.ConsecutiveErrors >= limits.MaxConsecutiveErrors)
                return new FailStep($"Call {pending.CallId} ({pending.ToolName}) did not complete after {s.ConsecutiveErrors} attempts; its outcome is unknown and it is not sent again.");
            return pending.Risk == RiskClass.Delegation ? new DelegateStep(pending) : new ExecuteStep(pending);
        }

        if (s.Steps >= limits.MaxSteps) return new FailStep($"The run reached its limit of {limits.MaxSteps} steps without finishing.");
        if (s.ConsecutiveErrors >= limits.MaxConsecutiveErrors) return new FailStep($"The run stopped after {s.ConsecutiveErrors} errors in a row.");
        return new PlanStep();
    }
}
