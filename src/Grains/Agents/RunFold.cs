using AgentOps.Journal;

namespace AgentOps.Agents;

/// <summary>How each journal event changes a run. Pure: the grain, the store projection and the tests share it.</summary>
public static class RunFold
{
    public static RunState Replay(Guid runId, IEnumerable<JournalEntry> entries)
    {
        var state = new RunState { Id = runId };
        foreach (var entry in entries) Apply(state, entry);
        return state;
    }

    public static void Apply(RunState s, JournalEntry entry)
    {
        // Sequences follow the journal's order whatever the entry was numbered with when it was raised.
        s.Events = s.Events.Add(entry with { RunId = s.Id, Sequence = s.Events.Count + 1 });
        s.UpdatedAt = entry.CreatedAt;
        if (s.IsTerminal) return;

        switch (entry.Event)
        {
            case RunStarted e:
                s.Started = true;
                s.Prompt = e.Prompt;
                s.UserId = e.UserId;
                s.AgentType = e.AgentType;
                s.ParentRunId = e.ParentRunId;
                s.RootRunId = e.RootRunId;
                s.ParentCallId = e.ParentCallId;
                s.RequestedBy = e.RequestedBy;
                s.CreatedAt = entry.CreatedAt;
                s.Status = RunStatus.Pending;
                break;
            case AgentThought:
                s.Status = RunStatus.Running;
                break;
            case ToolProposed e:
                s.Status = RunStatus.Running;
                s.Steps++;
                s.Pending = new PendingCall(e.CallId, e.ToolName, e.Args, e.Risk, entry.CreatedAt, Expects: e.Expects);
                break;
            case RunSuspended e:
                s.Status = RunStatus.Suspended;
                if (e.BlockedByChildRunId is { } child) s.BlockedByChild = child;
                if (e.CallId is not null && s.Pending?.CallId == e.CallId)
                    s.Pending = s.Pending with { AwaitingApproval = true, ExpiresAt = e.ExpiresAt, Requirement = e.Requirement, EscalateAt = e.EscalateAt };
                break;
            case RunResumed e:
                s.Status = RunStatus.Running;
                if (s.Pending?.CallId == e.CallId)
                    s.Pending = s.Pending with
                    {
                        AwaitingApproval = false, Decision = e.Decision, ApprovedArgs = e.ApprovedArgs ?? s.Pending.ApprovedArgs, DecidedBy = e.DecidedBy,
                        EscalateAt = null,
                    };
                break;
            case ApprovalGiven e:
                if (s.Pending?.CallId == e.CallId)
                {
                    var vote = new ApprovalVote(e.ApprovedBy, entry.CreatedAt);
                    // Edited arguments are new arguments: approvals of the old ones no longer count.
                    s.Pending = e.ApprovedArgs is { } edited
                        ? s.Pending with { ApprovedArgs = edited, Given = [vote] }
                        : s.Pending with { Given = s.Pending.Votes.Add(vote) };
                }
                break;
            case ApprovalEscalated e:
                if (s.Pending?.CallId == e.CallId) s.Pending = s.Pending with { EscalationLevel = e.Level, EscalateAt = e.NextEscalationAt };
                break;
            case PreconditionChanged:
                break;
            case ToolResult e:
                s.Status = RunStatus.Running;
                if (s.Pending?.CallId == e.CallId)
                {
                    // A person saying no is not the tool failing: it does not count towards the error limit.
                    var decidedAgainst = s.Pending.Decision is ApprovalDecision.Rejected or ApprovalDecision.Expired;
                    s.ConsecutiveErrors = e.Status == ToolResultStatus.Error && !decidedAgainst ? s.ConsecutiveErrors + 1 : 0;
                    s.Pending = null;
                }
                else if (e.Status == ToolResultStatus.Error)
                {
                    s.ConsecutiveErrors++;
                }
                break;
            case ChildRunStarted e:
                s.ChildRunIds = s.ChildRunIds.Add(e.ChildRunId);
                s.BlockedByChild = e.ChildRunId;
                break;
            case ChildRunCompleted e:
                if (s.BlockedByChild == e.ChildRunId) s.BlockedByChild = null;
                s.Status = RunStatus.Running;
                break;
            case RunCompleted e:
                s.Status = RunStatus.Completed;
                s.Summary = e.Summary;
                s.Pending = null;
                break;
            case SystemError e:
                if (e.Fatal)
                {
                    s.Status = RunStatus.Failed;
                    s.Summary = e.ErrorDetails;
                    s.Pending = null;
                }
                else
                {
                    s.ConsecutiveErrors++;
                    // An attempt of the open call whose outcome is unknown (it is sent again with the same call id).
                    if (s.Pending is { AwaitingApproval: false } attempted) s.Pending = attempted with { Attempts = attempted.Attempts + 1 };
                }
                break;
            case RunCancelled e:
                s.Status = RunStatus.Cancelled;
                s.Summary = $"Cancelled by {e.CancelledBy}: {e.Reason}";
                s.Pending = null;
                s.BlockedByChild = null;
                break;
        }
    }

    /// <summary>The call of this run waiting for a person, if any.</summary>
    public static PendingApproval? PendingApproval(RunState s) =>
        s is { Status: RunStatus.Suspended, Pending: { AwaitingApproval: true } p }
            ? new PendingApproval(s.Id, s.RootRunId, s.AgentType, p.CallId, p.ToolName, p.EffectiveArgs, p.Risk, p.ProposedAt,
                p.ExpiresAt ?? DateTimeOffset.MaxValue, s.Prompt, s.UserId, p.Needed, [.. p.Votes], p.EscalationLevel, p.EscalateAt,
                p.Requirement?.PolicyId, p.Requirement?.Explanation, s.RequestedBy, p.Requirement?.Roles ?? [])
            : null;

    public static RunSummary Summary(RunState s) => new(s.Id, s.ParentRunId, s.RootRunId, s.AgentType, s.UserId, s.Prompt,
        s.Status, s.Steps, s.CreatedAt, s.UpdatedAt, s.Summary, PendingApproval(s), s.RequestedBy);
}
