namespace AgentOps.Hosting;

/// <summary>Limits and periods of agent runs. Section <c>AgentOps:Agents</c>.</summary>
public sealed class AgentOptions
{
    public const string Section = "AgentOps:Agents";

    /// <summary>Tool calls a run may make before it is failed.</summary>
    public int MaxSteps { get; set; } = 25;

    /// <summary>Tool errors (or planner failures) in a row before the run is failed.</summary>
    public int MaxConsecutiveErrors { get; set; } = 3;

    /// <summary>Longest a planner call or a tool call may take.</summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long one turn of a run goes on taking the steps that are due (plan, safe tool, plan…) before it lets other
    /// calls in. A client polling the run waits behind the turn and sees where it stopped (waiting for approval,
    /// finished) instead of each step on the way; every step is still journaled before the next. Zero: one step per
    /// turn. A slow step is bounded by <see cref="StepTimeout"/>, not by this.
    /// </summary>
    public TimeSpan StepTurnBudget { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a dangerous call waits for a decision before it expires (the tool does not run).</summary>
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The last escalation level of a call left unanswered past its policy's respond_within: each level is announced
    /// (approval.escalated), so without an end a 3 s deadline posted 9 levels in 30 s. At this level the call keeps
    /// waiting, silently, until it is decided or expires.
    /// </summary>
    public int MaxEscalationLevel { get; set; } = 5;

    /// <summary>How often the reminder of every non-terminal run checks that it is moving (after crashes, lost messages).</summary>
    public TimeSpan ResumePeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Attempts (with a growing delay) to write one step's journal events before the run fails with SYSTEM_ERROR:
    /// a write that storage keeps refusing is not retried without bound.
    /// </summary>
    public int MaxJournalWriteAttempts { get; set; } = 5;

    /// <summary>Longest task prompt accepted.</summary>
    public int MaxPromptLength { get; set; } = 4000;

    /// <summary>
    /// Unfinished (pending, running or suspended) top-level runs one user may have; another start is 429
    /// <c>rate_limit.exceeded</c>. STORE_ADMINs are not limited: they are the operators who clear the inbox.
    /// </summary>
    public int MaxActiveRunsPerUser { get; set; } = 20;

    /// <summary>Calls of one user's runs that may wait for approval at once before that user may start no more runs.</summary>
    public int MaxPendingApprovalsPerUser { get; set; } = 10;

    /// <summary>The Retry-After sent with a refused start: a slot frees only when a run ends or is decided.</summary>
    public TimeSpan RunLimitRetryAfter { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The language-model planner. Section <c>AgentOps:Llm</c>. Without an endpoint the built-in deterministic
/// planners are used, so the product works offline.
/// </summary>
public sealed class LlmOptions
{
    public const string Section = "AgentOps:Llm";

    /// <summary>Base URL of an OpenAI-compatible API, e.g. <c>https://api.openai.com/v1</c> or a local server.</summary>
    public string? Endpoint { get; set; }

    /// <summary>API key for the endpoint.</summary>
    [Redact]
    public string? ApiKey { get; set; }

    /// <summary>Model name sent with every request.</summary>
    public string Model { get; set; } = "gpt-4o-mini";

    public bool Enabled => !string.IsNullOrWhiteSpace(Endpoint);
}

public sealed class AgentOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<AgentOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, AgentOptions o)
    {
        var failures = new List<string>();
        if (o.MaxSteps < 1) failures.Add("AgentOps:Agents:MaxSteps must be at least 1.");
        if (o.MaxConsecutiveErrors < 1) failures.Add("AgentOps:Agents:MaxConsecutiveErrors must be at least 1.");
        if (o.MaxJournalWriteAttempts < 1) failures.Add("AgentOps:Agents:MaxJournalWriteAttempts must be at least 1.");
        if (o.StepTimeout <= TimeSpan.Zero) failures.Add("AgentOps:Agents:StepTimeout must be positive.");
        if (o.StepTurnBudget < TimeSpan.Zero || o.StepTurnBudget > TimeSpan.FromSeconds(10))
            failures.Add("AgentOps:Agents:StepTurnBudget must be between 00:00:00 and 00:00:10.");
        if (o.ApprovalTimeout <= TimeSpan.Zero) failures.Add("AgentOps:Agents:ApprovalTimeout must be positive.");
        if (o.MaxEscalationLevel is < 1 or > 100) failures.Add("AgentOps:Agents:MaxEscalationLevel must be between 1 and 100.");
        if (o.ResumePeriod <= TimeSpan.Zero) failures.Add("AgentOps:Agents:ResumePeriod must be positive.");
        if (o.MaxPromptLength < 1) failures.Add("AgentOps:Agents:MaxPromptLength must be at least 1.");
        if (o.MaxActiveRunsPerUser < 1) failures.Add("AgentOps:Agents:MaxActiveRunsPerUser must be at least 1.");
        if (o.MaxPendingApprovalsPerUser < 1) failures.Add("AgentOps:Agents:MaxPendingApprovalsPerUser must be at least 1.");
        if (o.RunLimitRetryAfter <= TimeSpan.Zero) failures.Add("AgentOps:Agents:RunLimitRetryAfter must be positive.");
        return failures.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures);
    }
}
