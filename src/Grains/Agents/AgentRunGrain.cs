using System.Text.Json;
using AgentOps.Agents.Planning;
using AgentOps.Agents.Tools;
using AgentOps.Common;
using AgentOps.Governance;
using AgentOps.Hosting;
using AgentOps.Journal;
using AgentOps.Observability;
using AgentOps.Users;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.EventSourcing;
using Orleans.EventSourcing.CustomStorage;
using Orleans.Providers;
using Orleans.Streams;

namespace AgentOps.Agents;

/// <summary>
/// One agent run, event-sourced: its state is the fold of its journal (<see cref="RunFold"/>), read from and
/// appended to <see cref="IRunJournalStore"/>. The loop takes a step (plan, or execute one tool) and journals its
/// outcome before the next, except that a tool's result goes into one commit with the plan that follows it (and a
/// safe call's proposal with its result): what a crash loses there is done again under the same call id. The steps
/// that follow one another go on in one grain turn for up to <see cref="AgentOptions.StepTurnBudget"/>, then the rest
/// is queued (a typical run: 4 commits). The run sweeper keeps every non-terminal run moving after crashes; dangerous
/// calls wait durably for a person's decision.
/// </summary>
[LogConsistencyProvider(ProviderName = StorageNames.Journal)]
// A finished run is rarely read after its last poll; 15 idle minutes kept ~120,000 of them in a 10-minute agents run
// (web process 0.8 -> 2.8 GB) and the run rate fell by a third. A run waiting for approval keeps its timer alive.
[CollectionAgeLimit(Minutes = 2)]
public sealed class AgentRunGrain(
    IRunJournalStore store,
    AgentCatalog agents,
    ToolRegistry tools,
    IAgentBrain brain,
    IOptions<AgentOptions> options,
    TimeProvider clock,
    ILogger<AgentRunGrain> logger)
    : JournaledGrain<RunState, JournalEntry>, IAgentRunGrain, ICustomStorageInterface<RunState, JournalEntry>
{
    private IGrainTimer? _expiryTimer;
    private IGrainTimer? _resendTimer;
    private int _journalFailures;
    private JournalWriteException? _journalGaveUp;
    private IGrainTimer? _finishedTimer;
    private bool _inStepTurn;
    private bool _stepDue;
    private RunState? _starting;
    private bool _nothingStored;
    private Dictionary<string, Requester?>? _turnRequesters;

    private Guid RunId => this.GetPrimaryKey();

    /// <summary>Who runs it and which agent: from the journal, or during the start from the RUN_STARTED not journaled yet.</summary>
    private RunState Identity => _starting ?? State;

    private AgentOptions Limits => options.Value;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (!State.Started || State.IsTerminal) return;
        // Whatever stopped the previous activation (crash, restart, idle collection), pick the run up again.
        if (State.Status is RunStatus.Pending or RunStatus.Running) ScheduleStep();
        ArmExpiryTimer();
    }

    // ---- commands ---------------------------------------------------------------------------------------

    public async Task<RunCommandResult> StartAsync(StartRun command)
    {
        if (State.Started) return new RunCommandResult(RunFold.Summary(State), null);
        using var turn = RememberRequestersThisTurn();

        var agentType = string.IsNullOrWhiteSpace(command.AgentType) ? Specialists.OrchestratorAgent.AgentType : command.AgentType.Trim();
        if (agents.Find(agentType) is null)
            return Invalid("unknown_agent_type", $"Unknown agent_type '{agentType}'. Known: {string.Join(", ", agents.All.Select(a => a.Type))}.");
        var prompt = command.Prompt?.Trim() ?? "";
        if (prompt.Length == 0) return Invalid("missing_prompt", "A prompt is required.");
        if (prompt.Length > Limits.MaxPromptLength) return Invalid("prompt_too_long", $"The prompt may have at most {Limits.MaxPromptLength} characters.");
        if (!StorableText.IsStorable(prompt) || !StorableText.IsStorable(command.UserId) || !StorableText.IsStorable(command.RequestedBy))
            return Invalid("invalid_characters", "The prompt may not contain NUL characters or unpaired surrogates.");
        // A run acts for the person who starts it, and only with that person's rights, checked as the HTTP API would.
        if (!AccessRules.MayRunAgent(await RequesterAsync(command.RequestedBy), agents.Find(agentType)!.AllowedRoles))
            return new RunCommandResult(null, Errors.Forbidden($"The {agentType} agent is not available to your role."));

        // Once RUN_STARTED is journaled the run is in the run table, where the sweeper finds it if it stalls.
        var started = new RunStarted(prompt, command.UserId, agentType, command.ParentRunId, command.RootRunId ?? RunId, command.ParentCallId,
            command.RequestedBy is { } by ? UserRules.NormalizeEmail(by) : null);
        if (brain.AnswersAtOnce)
        {
            // The first step goes into RUN_STARTED's commit (one commit fewer per run), and the caller
            // gets the run where it rests. Should that commit fail, the run does not exist and the caller is told so.
            _starting = Preview([started]);
            try
            {
                await TakeStepsAsync(() => PlanAsync([started], _starting));
            }
            finally
            {
                _starting = null;
            }
            // A later step storage refused: this activation holds events that are not stored and is going away.
            if (_journalGaveUp is not null) return new RunCommandResult(RunFold.Summary(RunFold.Replay(RunId, await store.ReadAsync(RunId))), null);
        }
        else
        {
            await AppendAsync(started);
            ScheduleStep();
        }
        // Debug, like "completed": the journal and the run metrics record every run; a log line each was ~10 % of the CPU at 200 runs/s.
        logger.LogDebug("Run {RunId} started: agent {AgentType}, user {UserId}", RunId, agentType, command.UserId);
        AgentOpsMetrics.RunStarted(agentType);
        return new RunCommandResult(RunFold.Summary(State), null);
    }

    public async Task<RunView?> GetAsync()
    {
        if (!State.Started) return null;
        return new RunView(RunFold.Summary(State), [.. State.Events], await GetPendingApprovalAsync(), [.. State.ChildRunIds]);
    }

    public Task<RunSummary?> GetSummaryAsync() => Task.FromResult(State.Started ? RunFold.Summary(State) : null);

    public async Task<PendingApproval?> GetPendingApprovalAsync()
    {
        if (RunFold.PendingApproval(State) is { } own) return own;
        return State is { Status: RunStatus.Suspended, BlockedByChild: { } child }
            ? await GrainFactory.GetGrain<IAgentRunGrain>(child).GetPendingApprovalAsync()
            : null;
    }

    public async Task<RunCommandResult> DecideAsync(RunDecision decision)
    {
        using var turn = RememberRequestersThisTurn();
        if (State is { Started: true, IsTerminal: false, Pending: null or { AwaitingApproval: false }, Status: RunStatus.Suspended, BlockedByChild: { } child })
        {
            // A child's approval surfaces through its parent: pass the decision down.
            var forwarded = await GrainFactory.GetGrain<IAgentRunGrain>(child).DecideAsync(decision);
            return forwarded.Error is not null ? forwarded : new RunCommandResult(RunFold.Summary(State), null);
        }
        var (checkedBy, refusal) = await CheckAsync(decision);
        if (refusal is not null) return new RunCommandResult(null, refusal);
        var pending = State.Pending!;
        var requirement = pending.Requirement ?? PolicyEvaluator.Default("No policy matched.");
        var by = checkedBy!;
        var approval = RunFold.PendingApproval(State)!;
        if (decision.Decision == ApprovalDecision.Approved)
        {
            string? edited = null;
            if (decision.Args is { } args)
            {
                var problems = ValidateArgs(tools.Find(pending.ToolName), args);
                if (problems.Count > 0)
                    return new RunCommandResult(null, Errors.Validation("invalid_tool_args", $"The edited arguments do not fit {pending.ToolName}.",
                        problems.Select((p, i) => (p, i)).ToDictionary(x => $"problem_{x.i + 1}", x => x.p)));
                edited = Compact(args);
                // Edited arguments are a new call as far as the policies go: they may not escape a stricter rule.
                if (await StricterRuleForEditAsync(pending, requirement, edited) is { } refused) return new RunCommandResult(null, refused);
            }
            // Edited arguments are new arguments: the count starts again with this approval.
            var given = (edited is null ? pending.Votes.Count : 0) + 1;
            if (given < pending.Needed)
            {
                await AppendAsync(new ApprovalGiven(pending.CallId, by, given, pending.Needed, edited, decision.Feedback));
                logger.LogInformation("Call {CallId} of run {RunId}: approval {Given} of {Needed} by {By}", pending.CallId, RunId, given, pending.Needed, by);
                await NotifyApprovalAsync(RunFold.PendingApproval(State)!, pending: true, "approval_given", by);
                return new RunCommandResult(RunFold.Summary(State), null);
            }
            await AppendAsync(new RunResumed(ApprovalDecision.Approved, decision.Feedback, pending.CallId, by, edited));
        }
        else
        {
            var feedback = string.IsNullOrWhiteSpace(decision.Feedback) ? "no reason given" : decision.Feedback.Trim();
            await AppendAsync(
                new RunResumed(ApprovalDecision.Rejected, decision.Feedback, pending.CallId, by, null),
                new ToolResult(pending.CallId, ToolOutcome.Fail($"rejected: {feedback}").Output, ToolResultStatus.Error));
        }
        // Debug, like "started": the journal and the hash-chained audit record every decision with its approver; a line
        // each at Information was ~6 % of the web process's CPU at 500 runs/s (the console logger's formatting and its thread).
        logger.LogDebug("Call {CallId} of run {RunId} {Decision} by {DecidedBy}", pending.CallId, RunId, decision.Decision, by);
        AgentOpsMetrics.Decided(JournalCodec.Name(decision.Decision));
        DisarmExpiryTimer();
        await NotifyApprovalAsync(approval, pending: false, JournalCodec.Name(decision.Decision), by);
        if (brain.AnswersAtOnce)
        {
            // As in a start: the decided call and the steps after it run in this turn, and the decider gets the run where
            // it rests. Queued instead, the step was a message to itself that the decider's next read waited behind anyway.
            await TakeStepsAsync(StepAsync);
            if (_journalGaveUp is not null) return new RunCommandResult(RunFold.Summary(RunFold.Replay(RunId, await store.ReadAsync(RunId))), null);
        }
        else
        {
            ScheduleStep();
        }
        return new RunCommandResult(RunFold.Summary(State), null);
    }

    public async Task<OperationError?> CheckDecisionAsync(RunDecision decision)
    {
        if (State is { Started: true, IsTerminal: false, Pending: null or { AwaitingApproval: false }, Status: RunStatus.Suspended, BlockedByChild: { } child })
            return await GrainFactory.GetGrain<IAgentRunGrain>(child).CheckDecisionAsync(decision);
        return (await CheckAsync(decision)).Error;
    }

    /// <summary>
    /// Every rule a decision must pass, for every way in (HTTP, UI, action links, batches): the call is the pending one,
    /// its arguments are as seen, the approver has a role the call's policy names, does not approve their own run's call
    /// under separation of duties, and has not approved it already. Returns the approver's e-mail when it passes.
    /// </summary>
    private async Task<(string? By, OperationError? Error)> CheckAsync(RunDecision decision)
    {
        if (!State.Started) return (null, Errors.NotFound($"Run {RunId} does not exist."));
        if (State.IsTerminal) return (null, Conflict($"Run {RunId} is {JournalCodec.Name(State.Status)}; nothing is waiting for a decision.", decision.CallId).Error);
        if (decision.Decision is ApprovalDecision.Expired or ApprovalDecision.ChildEnded)
            return (null, Invalid("invalid_decision", "A decision is \"approved\" or \"rejected\"; expiry is decided by the clock.").Error);
        if (State.Pending is not { AwaitingApproval: true } pending)
            return (null, Conflict($"No tool call of run {RunId} is waiting for a decision.", decision.CallId).Error);
        if (decision.CallId is { } callId && callId != pending.CallId)
            return (null, Conflict($"Call {callId} is not the pending call of run {RunId}; it was decided already or never existed.", callId, pending.CallId).Error);
        if (decision.ExpectedArgsHash is { } seen && seen != ApprovalAudit.ArgsHash(pending.EffectiveArgs))
            return (null, Conflict($"The arguments of call {pending.CallId} were edited after you saw them; look again before deciding.", pending.CallId).Error);

        var requirement = pending.Requirement ?? PolicyEvaluator.Default("No policy matched.");
        var approver = await RequesterAsync(decision.DecidedBy);
        if (!AccessRules.MayApprove(approver, requirement.Roles))
            return (null, Errors.Forbidden($"Deciding on {pending.ToolName} needs the role {string.Join(" or ", requirement.Roles)}."));
        var by = approver!.Email;
        if (decision.Decision != ApprovalDecision.Approved) return (by, null);
        if (requirement.SeparateDuties && State.RequestedBy is { } requester && string.Equals(requester, by, StringComparison.OrdinalIgnoreCase))
            return (null, Errors.Forbidden($"Separation of duties: {by} started this run and cannot approve its calls.",
                new Dictionary<string, string> { ["reason"] = "self_approval" }));
        if (pending.Votes.Any(v => string.Equals(v.By, by, StringComparison.OrdinalIgnoreCase)))
            return (null, Conflict($"{by} has already approved call {pending.CallId}; it needs {pending.Needed - pending.Votes.Count} more approval(s) from other people.",
                pending.CallId).Error);
        return (by, null);
    }

    public async Task<RunCommandResult> CancelAsync(string reason, string cancelledBy)
    {
        if (!State.Started) return new RunCommandResult(null, Errors.NotFound($"Run {RunId} does not exist."));
        if (State.IsTerminal) return Conflict($"Run {RunId} is already {JournalCodec.Name(State.Status)}.", null);

        // Children first: if this grain dies half-way, the sweeper wakes it, it finds the cancelled child and moves on.
        foreach (var child in State.ChildRunIds)
        {
            var childRun = GrainFactory.GetGrain<IAgentRunGrain>(child);
            if (await childRun.GetSummaryAsync() is { } summary && summary.Status is not (RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled))
            {
                await childRun.CancelAsync($"parent run {RunId} was cancelled: {reason}", cancelledBy);
            }
        }
        var approval = RunFold.PendingApproval(State);
        await AppendAsync(new RunCancelled(reason, cancelledBy));
        logger.LogInformation("Run {RunId} cancelled by {CancelledBy}", RunId, cancelledBy);
        if (approval is not null) await NotifyApprovalAsync(approval, pending: false, "cancelled", cancelledBy);
        await FinishAsync();
        return new RunCommandResult(RunFold.Summary(State), null);
    }

    public async Task ChildEndedAsync(Guid childRunId, RunStatus status, string summary)
    {
        if (State.IsTerminal || State.BlockedByChild != childRunId) return;
        var call = State.Events.Select(e => e.Event).OfType<ChildRunStarted>().Last(c => c.ChildRunId == childRunId).CallId;
        var success = status == RunStatus.Completed;
        var output = JsonSerializer.Serialize(new { child_run_id = childRunId, status = JournalCodec.Name(status), summary }, ToolJson.Options);
        // The journal says when the wait ended, as it does for an approval: RUN_SUSPENDED … RUN_RESUMED.
        await AppendAsync(
            new ChildRunCompleted(childRunId, success, summary),
            new RunResumed(ApprovalDecision.ChildEnded, null, call, $"run:{childRunId}", null),
            new ToolResult(call, output, success ? ToolResultStatus.Success : ToolResultStatus.Error));
        ScheduleStep();
    }

    public Task ContinueAsync() => TakeStepsAsync(StepAsync);

    /// <summary>Takes <paramref name="first"/>, then the steps that follow it within the turn's budget.</summary>
    private async Task TakeStepsAsync(Func<Task> first)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["RunId"] = RunId, ["AgentType"] = Identity.AgentType });
        // The steps that follow one another run in this turn: a poll queued behind it sees the run where it rests
        // (measured: a run took ~20 polls of its half-way states, each a grain call and a JSON answer, and a message
        // per step). A step's outcome is journaled before the next call goes out (see the class summary), so a crash
        // in between loses nothing that is not done again.
        using var turn = RememberRequestersThisTurn();
        var started = clock.GetTimestamp();
        _inStepTurn = true;
        try
        {
            _stepDue = false;
            await first();
            while (_stepDue && clock.GetElapsedTime(started) < Limits.StepTurnBudget)
            {
                _stepDue = false;
                await StepAsync();
            }
        }
        // A start whose first commit storage refused has nothing stored: its caller gets the error.
        catch (Exception e) when (State.Started && !_nothingStored)
        {
            // Storage or cluster trouble: the journal is unchanged, so the sweeper's next pass repeats the step.
            _stepDue = false;
            logger.LogError(e, "Step of run {RunId} failed; the run sweeper will retry it", RunId);
        }
        finally
        {
            _inStepTurn = false;
        }
        if (_stepDue)
        {
            _stepDue = false;
            ScheduleStep();
        }
    }

    public async Task WakeAsync()
    {
        switch (RunDecider.Next(State, Limits, Now()))
        {
            case PlanStep or ExecuteStep or DelegateStep or FailStep:
                ScheduleStep();
                break;
            case ExpireStep or AwaitDecisionStep:
                await ExpireIfDueAsync();
                break;
            case AwaitChildStep child:
                await CheckChildAsync(child.ChildRunId);
                break;
        }
    }

    // ---- the loop ---------------------------------------------------------------------------------------

    /// <summary>Carries out the one step <see cref="RunDecider"/> picks; waiting is the timers' and the sweeper's job.</summary>
    private async Task StepAsync()
    {
        switch (RunDecider.Next(State, Limits, Now()))
        {
            case ExecuteStep execute:
                await ExecuteAsync(execute.Call, []);
                break;
            case DelegateStep delegation:
                await DelegateAsync(delegation.Call);
                break;
            case FailStep fail:
                await FailAsync(fail.Reason);
                break;
            case PlanStep:
                await PlanAsync([], State);
                break;
        }
    }

    /// <summary>
    /// Asks the planner for the next step and journals it after <paramref name="held"/>: events of the steps before that
    /// are not journaled yet (a tool's result, a safe call's proposal), so that one commit holds them all.
    /// <paramref name="view"/> is the run as the planner must see it: the journal with the held events applied.
    /// </summary>
    private async Task PlanAsync(IReadOnlyList<RunEvent> held, RunState view)
    {
        var agent = agents.Find(view.AgentType)!;
        AgentDecision decision;
        try
        {
            using var timeout = new CancellationTokenSource(Limits.StepTimeout);
            decision = await brain.DecideAsync(agent, AgentContext.From(view, agents.Specialists), timeout.Token).WaitAsync(Limits.StepTimeout);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Planner of run {RunId} failed", RunId);
            var details = e is TimeoutException or OperationCanceledException ? $"The planner did not answer within {Limits.StepTimeout}." : $"The planner failed: {e.Message}";
            await AppendAsync([.. held, new SystemError(details, Fatal: false)]);
            ScheduleStep();
            return;
        }

        var thought = string.IsNullOrWhiteSpace(decision.Thought) ? null : new AgentThought(decision.Thought.Trim());
        switch (decision)
        {
            case Finish finish:
                await AppendAsync([.. held, .. Maybe(thought), new RunCompleted(finish.Summary, finish.Report)]);
                logger.LogDebug("Run {RunId} completed: {Summary}", RunId, finish.Summary);
                await FinishAsync();
                return;
            case CallTool call:
                await ProposeAsync(agent, held, thought, call);
                return;
        }
    }

    private async Task ProposeAsync(IAgent agent, IReadOnlyList<RunEvent> held, AgentThought? thought, CallTool call)
    {
        var callId = NextCallId(held.Count);
        var tool = agent.ToolNames.Contains(call.ToolName) ? tools.Find(call.ToolName) : null;
        var events = new List<RunEvent>([.. held, .. Maybe(thought)]);

        var problems = tool is null ? [$"'{call.ToolName}' is not a tool of the {agent.Type} agent."] : ValidateArgs(tool, call.Args);
        // No approval is asked for a call its requester could not make over HTTP either.
        var refusal = problems.Count > 0 ? ToolOutcome.Fail("invalid tool call", problems)
            : !await MayUseAsync(tool!, call.Args) ? AgentTool.Forbidden($"use {tool!.Name} with these arguments")
            : null;
        if (refusal is not null)
        {
            events.Add(new ToolProposed(call.ToolName, call.Args, callId, tool?.Risk ?? RiskClass.Safe));
            events.Add(new ToolResult(callId, refusal.Output, ToolResultStatus.Error));
            await AppendAsync([.. events]);
            ScheduleStep();
            return;
        }
        await ProposeCallAsync(events, tool!, call.Args, callId, expects: null);
    }

    /// <summary>
    /// Journals a valid call. A dangerous one is governed first: a policy or grant may approve or deny it on the spot
    /// (journaled like a person's decision), otherwise it waits for the people its requirement names.
    /// </summary>
    private async Task ProposeCallAsync(List<RunEvent> events, IAgentTool tool, string args, string callId, string? expects)
    {
        if (tool.Risk != RiskClass.Dangerous)
        {
            events.Add(new ToolProposed(tool.Name, args, callId, tool.Risk));
            // A safe call is carried out before its proposal is journaled, and one commit holds the proposal, the result
            // and the step after it (one commit fewer per safe call). A crash before that commit plans the
            // step again; a safe tool is a read or a repair that converges. At most one call per commit, so that a chain
            // of safe calls still journals as it goes.
            if (!events.OfType<ToolResult>().Any() && RunDecider.Next(Preview(events), Limits, Now()) is ExecuteStep execute)
            {
                await ExecuteAsync(execute.Call, events);
                return;
            }
            await AppendAsync([.. events]);
            ScheduleStep();
            return;
        }
        expects ??= await ObserveAsync(tool, args);
        events.Add(new ToolProposed(tool.Name, args, callId, tool.Risk, expects));
        var verdict = await GovernAsync(tool, args, callId);
        switch (verdict.Effect)
        {
            case PolicyEffect.AutoApprove:
                events.Add(new RunResumed(ApprovalDecision.Approved, null, callId, verdict.DecidedBy!, null, verdict.Explanation));
                await AppendAsync([.. events]);
                AgentOpsMetrics.Decided("auto_approved");
                ScheduleStep();
                return;
            case PolicyEffect.Deny:
                events.Add(new RunResumed(ApprovalDecision.Rejected, verdict.Explanation, callId, verdict.DecidedBy!, null, verdict.Explanation));
                events.Add(new ToolResult(callId, ToolOutcome.Fail($"denied by policy: {verdict.Explanation}").Output, ToolResultStatus.Error));
                await AppendAsync([.. events]);
                AgentOpsMetrics.Decided("denied");
                ScheduleStep();
                return;
        }
        var requirement = verdict.Requirement ?? PolicyEvaluator.Default(verdict.Explanation);
        var now = Now();
        events.Add(new RunSuspended($"Waiting for approval of {tool.Name}.", null, callId, now + Limits.ApprovalTimeout, requirement,
            requirement.RespondWithin is { } within ? now + within : null));
        await AppendAsync([.. events]);
        ArmExpiryTimer();
        await NotifyApprovalAsync(RunFold.PendingApproval(State)!, pending: true, null, null);
    }

    /// <summary>Why edited arguments may not be approved under the call's current requirement, or null when they may.</summary>
    private async Task<OperationError?> StricterRuleForEditAsync(PendingCall pending, ApprovalRequirement current, string edited)
    {
        ApprovalVerdict verdict;
        try
        {
            verdict = await GrainFactory.GetGrain<IApprovalPolicyGrain>(0).EvaluateAsync(
                new ApprovalRequest(pending.ToolName, edited, State.AgentType, pending.Risk, null, RunId, State.RequestedBy));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Run {RunId}: policies could not be evaluated for edited arguments", RunId);
            return Errors.Conflict("The policies could not be asked about the edited arguments; approve as proposed or reject.");
        }
        if (verdict.Effect == PolicyEffect.Deny) return Errors.Forbidden($"The edited arguments are denied by policy: {verdict.Explanation}");
        if (verdict.Requirement is { } needed
            && (needed.Needed > current.Needed || (needed.SeparateDuties && !current.SeparateDuties) || needed.Roles.Except(current.Roles).Any()))
        {
            return Errors.Conflict($"The edited arguments fall under a stricter rule ({verdict.Explanation}); reject the call and let the agent propose them.");
        }
        return null;
    }

    /// <summary>The policies' verdict; when they cannot be asked, fail closed: a person decides.</summary>
    private async Task<ApprovalVerdict> GovernAsync(IAgentTool tool, string args, string callId)
    {
        try
        {
            return await GrainFactory.GetGrain<IApprovalPolicyGrain>(0).DecideAsync(
                new ApprovalRequest(tool.Name, args, Identity.AgentType, tool.Risk, callId, RunId, Identity.RequestedBy));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Run {RunId}: approval policies could not be evaluated for {Tool}; a person must approve", RunId, tool.Name);
            return PolicyEvaluator.FailClosed($"The approval policies could not be evaluated ({e.GetType().Name}); failing closed: a person other than the requester must approve.");
        }
    }

    /// <summary>What a tool with a precondition finds on its target now; null for other tools, or when it cannot tell.</summary>
    private async Task<string?> ObserveAsync(IAgentTool tool, string args)
    {
        if (tool is not IPreconditionTool observed) return null;
        try
        {
            using var document = JsonDocument.Parse(args);
            return await observed.ObserveAsync(document.RootElement, GrainFactory);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Run {RunId}: could not observe the target of {Tool}", RunId, tool.Name);
            return null;
        }
    }

    /// <summary>
    /// Derived from the journal's length, so that the same step planned again after a crash has the same call id: a
    /// grant use is taken once per call id however often the step is retried.
    /// </summary>
    /// <param name="held">Events of this step not journaled yet, which a call proposed after them counts in its position.</param>
    private string NextCallId(int held = 0) => $"call_{NameBasedGuid.Create(NameBasedGuid.Runs, $"{RunId:N}/call/{Version + held}"):N}";

    /// <summary>The run as it will be once <paramref name="held"/> (events not journaled yet) are.</summary>
    private RunState Preview(IReadOnlyList<RunEvent> held)
    {
        var now = Now();
        return RunFold.Replay(RunId, [.. State.Events, .. held.Select((e, i) => new JournalEntry(TimeOrderedIds.New(), RunId, Version + i + 1, now, StorableEvents.Clean(e)))]);
    }

    /// <summary>
    /// Carries out <paramref name="pending"/>; <paramref name="held"/> are events not journaled yet (a safe call's
    /// proposal) that go into the next commit.
    /// </summary>
    private async Task ExecuteAsync(PendingCall pending, IReadOnlyList<RunEvent> held)
    {
        var tool = tools.Find(pending.ToolName)!;
        ToolOutcome outcome;
        try
        {
            using var args = JsonDocument.Parse(pending.EffectiveArgs);
            using var timeout = new CancellationTokenSource(Limits.StepTimeout);
            // Rights as of this turn: a role taken away while the call waited for approval is taken away from the run too.
            var requester = await RequesterAsync(Identity.RequestedBy);
            if (!tool.MayUse(requester, args.RootElement))
            {
                outcome = AgentTool.Forbidden($"use {tool.Name} with these arguments");
            }
            else
            {
                // The call id is the idempotency key: executing this call again after a crash changes nothing twice.
                // What the approver saw is what the tool acts on: the tool compares its target with the observation made
                // at the proposal. Only before the first attempt: after an attempt whose outcome is unknown, a changed
                // target may be that attempt's own effect.
                var invocation = new ToolInvocation(args.RootElement, pending.CallId, RunId, $"agent:{Identity.AgentType}:{RunId}", GrainFactory, requester,
                    pending.Attempts == 0 && tool is IPreconditionTool ? pending.Expects : null);
                outcome = await tool.ExecuteAsync(invocation, timeout.Token).WaitAsync(Limits.StepTimeout);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A call that did not come back — a timeout, a silo that died, storage failing behind the target — has an
            // unknown outcome, not a failed one: the effect may have happened. It stays open (no TOOL_RESULT, so the
            // planner cannot propose the same action under a new call id) and is sent again with the same call id,
            // which the bookstore deduplicates; RunDecider stops after MaxConsecutiveErrors attempts. A tool that
            // refuses a call answers with a failed outcome instead of throwing.
            var why = e is TimeoutException ? $"did not answer within {Limits.StepTimeout}" : $"did not complete ({e.GetType().Name}: {e.Message})";
            logger.LogWarning(e, "Tool {Tool} of run {RunId} {Why}; call {CallId} will be sent again", pending.ToolName, RunId, why, pending.CallId);
            await AppendAsync([.. held, new SystemError(
                $"{pending.ToolName} {why}; the outcome of call {pending.CallId} is unknown, so it will be sent again with the same call id.",
                Fatal: false)]);
            var pause = Limits.StepTimeout < TimeSpan.FromSeconds(5) ? Limits.StepTimeout : TimeSpan.FromSeconds(5);
            _resendTimer?.Dispose();
            _resendTimer = this.RegisterGrainTimer(() =>
            {
                _resendTimer?.Dispose();
                _resendTimer = null;
                return ContinueAsync();
            }, new GrainTimerCreationOptions(pause, Timeout.InfiniteTimeSpan) { KeepAlive = true });
            return;
        }
        if (outcome.FoundInstead is { } found && pending.Expects is { } expected)
        {
            logger.LogInformation("Call {CallId} of run {RunId}: precondition changed, proposing again", pending.CallId, RunId);
            await ProposeCallAsync(
                [
                    .. held,
                    new PreconditionChanged(pending.CallId, expected, found),
                    new ToolResult(pending.CallId, outcome.Output, ToolResultStatus.Error),
                ], tool, pending.EffectiveArgs, NextCallId(held.Count), found);
            return;
        }
        var result = new ToolResult(pending.CallId, outcome.Output, outcome.Success ? ToolResultStatus.Success : ToolResultStatus.Error);
        AgentOpsMetrics.ToolExecuted(pending.ToolName, outcome.Success);
        // The result is journaled with the next step, in one commit instead of two. A crash before that commit sends
        // the call again with the same call id: a safe tool reads or converges (reconcile_inventory), and a dangerous
        // tool's target has already applied that call id and does not apply it twice.
        List<RunEvent> next = [.. held, result];
        var after = Preview(next);
        if (RunDecider.Next(after, Limits, Now()) is PlanStep)
        {
            await PlanAsync(next, after);
            return;
        }
        await AppendAsync([.. next]);
        ScheduleStep();
    }

    private async Task DelegateAsync(PendingCall pending)
    {
        using var args = JsonDocument.Parse(pending.EffectiveArgs);
        var agentType = args.RootElement.GetProperty("agent_type").GetString()!;
        var task = args.RootElement.GetProperty("task").GetString()!;
        // Derived from the call, so starting the child again after a crash reaches the same child.
        var childId = NameBasedGuid.Create(NameBasedGuid.Runs, $"{RunId:N}/{pending.CallId}");
        await AppendAsync(
            new ChildRunStarted(childId, agentType, task, pending.CallId),
            new RunSuspended($"Waiting for child run {childId} ({agentType}).", childId, null, null));
        await StartChildAsync(childId, agentType, task, pending.CallId);
    }

    private async Task StartChildAsync(Guid childId, string agentType, string task, string callId)
    {
        var result = await GrainFactory.GetGrain<IAgentRunGrain>(childId)
            .StartAsync(new StartRun(task, State.UserId, agentType, RunId, State.RootRunId, callId, State.RequestedBy));
        if (result.Error is { } error)
        {
            await ChildEndedAsync(childId, RunStatus.Failed, $"The child run could not start: {error.Message}");
        }
    }

    private async Task CheckChildAsync(Guid child)
    {
        var summary = await GrainFactory.GetGrain<IAgentRunGrain>(child).GetSummaryAsync();
        if (summary is null)
        {
            var started = State.Events.Select(e => e.Event).OfType<ChildRunStarted>().Last(c => c.ChildRunId == child);
            await StartChildAsync(child, started.AgentType, started.Task, started.CallId);
        }
        else if (summary.Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled)
        {
            await ChildEndedAsync(child, summary.Status, summary.Summary ?? "");
        }
    }

    private async Task FailAsync(string details)
    {
        await AppendAsync(new SystemError(details, Fatal: true));
        logger.LogWarning("Run {RunId} failed: {Details}", RunId, details);
        await FinishAsync();
    }

    /// <summary>After an end state: tell the parent.</summary>
    private async Task FinishAsync()
    {
        AgentOpsMetrics.RunFinished(State.AgentType, JournalCodec.Name(State.Status));
        DisarmExpiryTimer();
        if (State.ParentRunId is { } parent)
        {
            await GrainFactory.GetGrain<IAgentRunGrain>(parent).ChildEndedAsync(RunId, State.Status, State.Summary ?? "");
        }
        // A finished run is read once or twice more (the last poll, the run page), then never: it leaves memory shortly
        // after instead of after the 2-minute idle age (at ~300 runs/s that held ~36,000 finished runs, each with its
        // journal, and the run rate fell by a quarter once they had built up). A later read loads it from the journal.
        _finishedTimer ??= this.RegisterGrainTimer(() =>
        {
            DeactivateOnIdle();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(FinishedRunLinger, Timeout.InfiniteTimeSpan));
    }

    /// <summary>How long a finished run stays in memory for its last reads.</summary>
    internal static readonly TimeSpan FinishedRunLinger = TimeSpan.FromSeconds(10);

    // ---- approval expiry --------------------------------------------------------------------------------

    private void ArmExpiryTimer()
    {
        DisarmExpiryTimer();
        if (State.Pending is not { AwaitingApproval: true, ExpiresAt: { } expiresAt } pending) return;
        var next = pending.EscalateAt is { } escalateAt && escalateAt < expiresAt ? escalateAt : expiresAt;
        var due = next - Now();
        if (due < TimeSpan.Zero) due = TimeSpan.Zero;
        // Timers cannot wait longer than ~49 days; the sweeper covers anything beyond.
        if (due > TimeSpan.FromDays(40)) return;
        _expiryTimer = this.RegisterGrainTimer(ExpireIfDueAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private void DisarmExpiryTimer()
    {
        _expiryTimer?.Dispose();
        _expiryTimer = null;
    }

    private async Task ExpireIfDueAsync()
    {
        if (State is not { Status: RunStatus.Suspended, Pending: { AwaitingApproval: true, ExpiresAt: { } expiresAt } pending }) return;
        if (Now() < expiresAt)
        {
            if (pending.EscalateAt is { } escalateAt && Now() >= escalateAt) await EscalateAsync(pending);
            ArmExpiryTimer();
            return;
        }
        var approval = RunFold.PendingApproval(State)!;
        await AppendAsync(
            new RunResumed(ApprovalDecision.Expired, null, pending.CallId, "system", null),
            new ToolResult(pending.CallId, ToolOutcome.Fail($"expired: nobody decided within {Limits.ApprovalTimeout}; {pending.ToolName} did not run").Output,
                ToolResultStatus.Error));
        logger.LogInformation("Call {CallId} of run {RunId} expired", pending.CallId, RunId);
        AgentOpsMetrics.Decided("expired");
        DisarmExpiryTimer();
        await NotifyApprovalAsync(approval, pending: false, "expired", "system");
        ScheduleStep();
    }

    /// <summary>Nobody decided within the policy's respond_within: the next escalation level, journaled and announced.</summary>
    private async Task EscalateAsync(PendingCall pending)
    {
        var level = pending.EscalationLevel + 1;
        // The last level has no next deadline: the call waits, without further announcements, for a decision or expiry.
        DateTimeOffset? next = level < Limits.MaxEscalationLevel && pending.Requirement?.RespondWithin is { } within ? Now() + within : null;
        await AppendAsync(new ApprovalEscalated(pending.CallId, level, next));
        logger.LogInformation("Call {CallId} of run {RunId} escalated to level {Level}", pending.CallId, RunId, level);
        AgentOpsMetrics.Decided("escalated");
        await NotifyApprovalAsync(RunFold.PendingApproval(State)!, pending: true, "escalated", "system");
    }

    // ---- journal ------------------------------------------------------------------------------------------

    private async Task AppendAsync(params RunEvent[] events)
    {
        var now = Now();
        var entries = events.Select((e, i) => new JournalEntry(TimeOrderedIds.New(), RunId, Version + i + 1, now, StorableEvents.Clean(e))).ToList();
        RaiseEvents(entries);
        await ConfirmEvents();
        if (_journalGaveUp is { } failure) throw failure;
        await PublishAsync(entries);
    }

    protected override void TransitionState(RunState state, JournalEntry @event)
    {
        state.Id = RunId;
        RunFold.Apply(state, @event);
    }

    public async Task<KeyValuePair<int, RunState>> ReadStateFromStorage()
    {
        var entries = await store.ReadAsync(RunId);
        return new KeyValuePair<int, RunState>(entries.Count, RunFold.Replay(RunId, entries));
    }

    public async Task<bool> ApplyUpdatesToStorage(IReadOnlyList<JournalEntry> updates, int expectedVersion)
    {
        var next = State.Copy();
        next.Id = RunId;
        var numbered = updates.Select((u, i) => u with { RunId = RunId, Sequence = expectedVersion + i + 1 }).ToList();
        foreach (var entry in numbered) RunFold.Apply(next, entry);
        try
        {
            var written = await store.AppendAsync(numbered, RunFold.Summary(next), ApprovalAudit.From(State, numbered));
            _journalFailures = 0;
            return written;
        }
        catch (Exception e)
        {
            // The log-consistency adaptor retries a failed write at once and without end: pace it with a growing
            // delay, and after the configured number of attempts stop it.
            _journalFailures++;
            logger.LogWarning(e, "Run {RunId}: journal write failed (attempt {Attempt})", RunId, _journalFailures);
            if (_journalFailures < Limits.MaxJournalWriteAttempts)
            {
                await Task.Delay(JournalRetryDelay(_journalFailures));
                throw;
            }
            await GiveUpOnJournalAsync(expectedVersion, e);
            // Reported as written only so that the adaptor stops retrying: this activation, which now holds events
            // storage does not, is going away, the caller gets the error, and the next activation reads the journal.
            return true;
        }
    }

    /// <summary>
    /// A step whose events storage refused <see cref="AgentOptions.MaxJournalWriteAttempts"/> times is not stored by
    /// trying again: the run fails with SYSTEM_ERROR (written in their place), and this activation is discarded.
    /// </summary>
    private async Task GiveUpOnJournalAsync(int storedVersion, Exception error)
    {
        DeactivateOnIdle();
        var details = StorableText.Clean($"The journal refused this run's events {Limits.MaxJournalWriteAttempts} times; the run is stopped. Last error: {error.Message}");
        logger.LogError(error, "Run {RunId}: journal write failed {Attempts} times; failing the run", RunId, Limits.MaxJournalWriteAttempts);
        _journalGaveUp = new JournalWriteException(RunId, details, error);
        // Nothing of a run that never started is stored: there is nothing to fail, the caller just gets the error.
        if (storedVersion == 0)
        {
            _nothingStored = true;
            return;
        }
        try
        {
            var failed = new JournalEntry(TimeOrderedIds.New(), RunId, storedVersion + 1, Now(), new SystemError(details, Fatal: true));
            var stored = RunFold.Replay(RunId, await store.ReadAsync(RunId));
            RunFold.Apply(stored, failed);
            await store.AppendAsync([failed], RunFold.Summary(stored));
            AgentOpsMetrics.RunFinished(State.AgentType, JournalCodec.Name(RunStatus.Failed));
        }
        catch (Exception e)
        {
            // Storage itself is down: nothing of the step was stored, and the sweeper retries it later.
            logger.LogError(e, "Run {RunId}: could not record the failure either", RunId);
        }
    }

    private static TimeSpan JournalRetryDelay(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(5_000, 50 * Math.Pow(2, Math.Min(failures, 10))));

    // ---- streams ------------------------------------------------------------------------------------------

    private async Task PublishAsync(IReadOnlyList<JournalEntry> entries)
    {
        try
        {
            var provider = this.GetStreamProvider(StorageNames.Streams);
            await provider.GetStream<RunStreamItem>(RunStreams.For(RunId)).OnNextBatchAsync([.. entries.Select(e => new RunStreamItem(RunId, e))]);
            if (State.RootRunId != RunId && State.RootRunId != Guid.Empty)
            {
                await provider.GetStream<RunStreamItem>(RunStreams.For(State.RootRunId))
                    .OnNextBatchAsync([.. entries.Select(e => new RunStreamItem(State.RootRunId, e))]);
            }
        }
        catch (Exception e)
        {
            // Live views are a convenience; the journal is already durable and readers replay from it.
            logger.LogWarning(e, "Could not publish journal events of run {RunId}", RunId);
        }
    }

    private async Task NotifyApprovalAsync(PendingApproval approval, bool pending, string? outcome, string? decidedBy)
    {
        try
        {
            await GrainFactory.GetGrain<IApprovalFeedGrain>(0).PublishAsync(new ApprovalNotice(approval, pending, outcome, decidedBy, Now()));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not publish an approval notice of run {RunId}", RunId);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /// <summary>Now, to the microsecond: what PostgreSQL keeps, so a reloaded run equals the one in memory.</summary>
    private DateTimeOffset Now()
    {
        var now = clock.GetUtcNow().UtcTicks;
        return new DateTimeOffset(now - now % 10, TimeSpan.Zero);
    }

    /// <summary>The person a run acts for, as the user grain knows them in this turn; null for an unknown user (no rights).</summary>
    private async Task<Requester?> RequesterAsync(string? email)
    {
        if (string.IsNullOrWhiteSpace(email)) return null;
        var key = UserRules.NormalizeEmail(email);
        if (_turnRequesters is not null && _turnRequesters.TryGetValue(key, out var known)) return known;
        var requester = await GrainFactory.GetGrain<IUserGrain>(key).GetAsync() is { } profile ? Requester.From(profile) : null;
        _turnRequesters?.TryAdd(key, requester);
        return requester;
    }

    /// <summary>
    /// Within one turn (a start, a decision, the steps that follow, none of which waits for a person) a person's rights
    /// are looked up once. Each lookup was a call to the same user grain, up to six per run: ~7 % of the CPU samples of the
    /// agents scenario inclusive (dotnet-trace collect-linux, 64 clients). The next turn asks again, so a changed role
    /// applies to it.
    /// </summary>
    private TurnRequesters RememberRequestersThisTurn()
    {
        if (_turnRequesters is not null) return default;
        _turnRequesters = new Dictionary<string, Requester?>(StringComparer.Ordinal);
        return new TurnRequesters(this);
    }

    private readonly struct TurnRequesters(AgentRunGrain? owner) : IDisposable
    {
        public void Dispose()
        {
            if (owner is not null) owner._turnRequesters = null;
        }
    }

    private async Task<bool> MayUseAsync(IAgentTool tool, string args)
    {
        using var document = JsonDocument.Parse(args);
        return tool.MayUse(await RequesterAsync(Identity.RequestedBy), document.RootElement);
    }

    /// <summary>Queues the next step, or, inside <see cref="ContinueAsync"/>'s turn, lets that turn take it.</summary>
    private void ScheduleStep()
    {
        if (_inStepTurn)
        {
            _stepDue = true;
            return;
        }
        this.AsReference<IAgentRunGrain>().ContinueAsync().Ignore();
    }

    private static List<string> ValidateArgs(IAgentTool? tool, string args) => ToolArguments.Validate(tool, args);

    private static string Compact(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetRawText();
    }

    private static IEnumerable<RunEvent> Maybe(AgentThought? thought) => thought is null ? [] : [thought];

    private static RunCommandResult Invalid(string code, string message) => new(null, Errors.Validation(code, message));

    private RunCommandResult Conflict(string message, string? callId, string? pendingCallId = null)
    {
        var details = new Dictionary<string, string> { ["run_id"] = RunId.ToString(), ["status"] = JournalCodec.Name(State.Status) };
        if (callId is not null) details["call_id"] = callId;
        if (pendingCallId is not null) details["pending_call_id"] = pendingCallId;
        return new RunCommandResult(null, Errors.Conflict(message, details));
    }
}
