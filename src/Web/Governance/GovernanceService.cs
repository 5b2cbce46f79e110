using System.Collections.Immutable;
using System.Security.Claims;
using System.Text.Json;
using AgentOps.Agents;
using AgentOps.Common;
using AgentOps.Governance;
using AgentOps.Journal;
using AgentOps.Web.Auth;
using Microsoft.Extensions.Options;

namespace AgentOps.Web.Governance;

/// <summary>
/// Approval governance for the front door: the one application service behind both the HTTP API and the Blazor
/// pages, so that every rule and every authorization check is written once. Grains hold the data; this class
/// checks who may ask, turns requests into grain calls and answers with <see cref="OperationError"/>s.
/// </summary>
public sealed class GovernanceService(IClusterClient client, ActionLinkSigner signer, IOptions<ActionLinkOptions> linkOptions, TimeProvider clock)
{
    public const int MaxBatchItems = 200;

    private IApprovalPolicyGrain Rules => client.GetGrain<IApprovalPolicyGrain>(0);

    private IApprovalAuditGrain Audit => client.GetGrain<IApprovalAuditGrain>(0);

    // ---- policies -------------------------------------------------------------------------------------------------

    public async Task<(ImmutableArray<ApprovalPolicy> Policies, OperationError? Error)> ListPoliciesAsync(ClaimsPrincipal user, bool includeDeleted = false) =>
        Admin(user) is { } denied ? ([], denied) : (await Rules.ListPoliciesAsync(includeDeleted), null);

    public async Task<(ImmutableArray<ApprovalPolicy> Versions, OperationError? Error)> PolicyHistoryAsync(ClaimsPrincipal user, Guid id)
    {
        if (Admin(user) is { } denied) return ([], denied);
        var versions = await Rules.PolicyHistoryAsync(id);
        return versions.IsEmpty ? ([], Errors.NotFound($"Policy {id} does not exist.")) : (versions, null);
    }

    public async Task<PolicyResult> SavePolicyAsync(ClaimsPrincipal user, Guid? id, PolicyRequest request)
    {
        if (Admin(user) is { } denied) return new PolicyResult(null, denied);
        var (draft, invalid) = ToDraft(request);
        if (invalid is not null) return new PolicyResult(null, invalid);
        return id is { } existing
            ? await Rules.UpdatePolicyAsync(existing, draft!, request.ExpectedVersion, Who(user))
            : await Rules.CreatePolicyAsync(draft!, Who(user));
    }

    public async Task<PolicyResult> DeletePolicyAsync(ClaimsPrincipal user, Guid id) =>
        Admin(user) is { } denied ? new PolicyResult(null, denied) : await Rules.DeletePolicyAsync(id, Who(user));

    public async Task<(ApprovalVerdict? Verdict, OperationError? Error)> EvaluateAsync(ClaimsPrincipal user, EvaluateRequest request, ToolLookup tools)
    {
        if (Admin(user) is { } denied) return (null, denied);
        if (string.IsNullOrWhiteSpace(request.ToolName) || tools(request.ToolName) is not { } risk)
            return (null, Errors.Validation("unknown_tool", $"Unknown tool_name '{request.ToolName}'."));
        if (request.Args is not { ValueKind: JsonValueKind.Object } args) return (null, Errors.Validation("invalid_tool_args", "args must be a JSON object."));
        return (await Rules.EvaluateAsync(new ApprovalRequest(request.ToolName, args.GetRawText(), request.AgentType ?? "", risk)), null);
    }

    /// <summary>Finds a tool's risk class by name; null for an unknown tool.</summary>
    public delegate RiskClass? ToolLookup(string name);

    // ---- grants ---------------------------------------------------------------------------------------------------

    public async Task<(ImmutableArray<StandingGrant> Grants, OperationError? Error)> ListGrantsAsync(ClaimsPrincipal user, bool includeInactive) =>
        Admin(user) is { } denied ? ([], denied) : (await Rules.ListGrantsAsync(includeInactive), null);

    public async Task<GrantResult> CreateGrantAsync(ClaimsPrincipal user, GrantRequest request)
    {
        if (Admin(user) is { } denied) return new GrantResult(null, denied);
        if (request.ArgsRule is { } rule && rule.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            return new GrantResult(null, Errors.Validation("invalid_args_rule", "args_rule must be a JSON Schema object."));
        var draft = new GrantDraft(request.ToolName?.Trim() ?? "", request.ArgsRule is { ValueKind: JsonValueKind.Object } r ? r.GetRawText() : null,
            request.MaxUses, request.ExpiresAt, request.Reason?.Trim());
        return await Rules.CreateGrantAsync(draft, Who(user));
    }

    public async Task<GrantResult> RevokeGrantAsync(ClaimsPrincipal user, Guid id) =>
        Admin(user) is { } denied ? new GrantResult(null, denied) : await Rules.RevokeGrantAsync(id, Who(user));

    // ---- decisions ------------------------------------------------------------------------------------------------

    /// <summary>
    /// Decides many calls, each on its own: one item's failure (a stale call id, a missing right) does not stop or undo
    /// the others. The run grain decides each exactly once and checks the approver's roles itself.
    /// </summary>
    public async Task<IReadOnlyList<BatchItemResult>> DecideBatchAsync(ClaimsPrincipal user, IReadOnlyList<BatchDecisionItem> items)
    {
        var results = new BatchItemResult[items.Count];
        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(items.Select(async (item, i) =>
        {
            await gate.WaitAsync();
            try
            {
                results[i] = await DecideOneAsync(user, item);
            }
            finally
            {
                gate.Release();
            }
        }));
        return results;
    }

    private async Task<BatchItemResult> DecideOneAsync(ClaimsPrincipal user, BatchDecisionItem item)
    {
        BatchItemResult Fail(OperationError e) => new(item.RunId, item.CallId, ApiStatus(e.Kind), e.Code, e.Message);
        if (item.RunId is not { } runId) return Fail(Errors.Validation("missing_field", "run_id is required."));
        if (string.IsNullOrWhiteSpace(item.CallId)) return Fail(Errors.Validation("missing_field", "call_id is required."));
        if (ParseDecision(item.Decision) is not { } decision) return Fail(Errors.Validation("invalid_decision", "decision must be \"approved\" or \"rejected\"."));
        string? args = null;
        if (item.Args is { ValueKind: not JsonValueKind.Null } edited)
        {
            if (edited.ValueKind != JsonValueKind.Object || decision != ApprovalDecision.Approved)
                return Fail(Errors.Validation("invalid_tool_args", "args must be a JSON object, given only with \"approved\"."));
            args = edited.GetRawText();
        }
        try
        {
            var result = await client.GetGrain<IAgentRunGrain>(runId).DecideAsync(
                new RunDecision(decision, Who(user), item.CallId, item.Feedback?.Trim(), args, item.ArgsHash));
            return result.Error is { } error ? Fail(error) : new BatchItemResult(runId, item.CallId, StatusCodes.Status200OK, null, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // One item's trouble (a silo going away, a timeout) is that item's answer, not the batch's.
            return Fail(Errors.Unavailable("internal.unavailable", $"The decision could not be made now ({e.GetType().Name}); try this item again."));
        }
    }

    public static ApprovalDecision? ParseDecision(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "approved" or "approve" => ApprovalDecision.Approved,
        "rejected" or "reject" => ApprovalDecision.Rejected,
        _ => null,
    };

    // ---- signed action links --------------------------------------------------------------------------------------

    /// <summary>A single-use link that decides one pending call as the admin who asks for it.</summary>
    public async Task<(ActionLinkResponse? Link, OperationError? Error)> CreateLinkAsync(ClaimsPrincipal user, Guid runId, string callId, string? decisionText, string baseUrl)
    {
        if (Admin(user) is { } denied) return (null, denied);
        if (ParseDecision(decisionText) is not { } decision) return (null, Errors.Validation("invalid_decision", "decision must be \"approved\" or \"rejected\"."));
        if (await PendingCallAsync(runId, callId) is not { } pending)
            return (null, Errors.Conflict($"Call {callId} of run {runId} is not waiting for a decision."));
        // The link decides as its maker: someone the run would refuse (no role, their own run's call) gets no link.
        var argsHash = ApprovalAudit.ArgsHash(pending.Args);
        if (await client.GetGrain<IAgentRunGrain>(runId).CheckDecisionAsync(new RunDecision(decision, Who(user), callId, ExpectedArgsHash: argsHash)) is { } refused)
            return (null, refused);
        var expires = clock.GetUtcNow() + linkOptions.Value.Lifetime;
        var claims = new ActionLinkClaims(Guid.NewGuid(), runId, callId, JournalCodec.Name(decision), argsHash, Who(user), expires);
        var token = await signer.SignAsync(claims);
        var root = (linkOptions.Value.PublicBaseUrl is { Length: > 0 } configured ? configured : baseUrl).TrimEnd('/');
        return (new ActionLinkResponse($"{root}/agents/actions/{token}", token, claims.Decision, expires), null);
    }

    /// <summary>What a link would do; 410 when it is used or expired, 409 when the call's arguments changed since.</summary>
    public async Task<(ActionPreviewResponse? Preview, OperationError? Error, bool Gone)> PreviewLinkAsync(string token)
    {
        if (await signer.ReadAsync(token) is not { } claims) return (null, Errors.NotFound("This link is not valid."), false);
        if (claims.ExpiresAt <= clock.GetUtcNow()) return (null, Errors.Conflict("This link has expired."), true);
        if (await client.GetGrain<IActionLinkGrain>(claims.Nonce).IsUsedAsync()) return (null, Errors.Conflict("This link was used already."), true);
        var pending = await PendingCallAsync(claims.RunId, claims.CallId);
        if (pending is null) return (null, Errors.Conflict($"Call {claims.CallId} is no longer waiting for a decision."), true);
        if (ApprovalAudit.ArgsHash(pending.Args) != claims.ArgsHash)
            return (null, Errors.Conflict("The call's arguments were edited after this link was made; decide it in the inbox."), false);
        return (new ActionPreviewResponse(claims.RunId, claims.CallId, claims.Decision, claims.Approver, pending.ToolName, JournalCodec.Embed(pending.Args), claims.ExpiresAt),
            null, false);
    }

    public async Task<(RunSummary? Run, OperationError? Error, bool Gone)> UseLinkAsync(string token)
    {
        var (preview, error, gone) = await PreviewLinkAsync(token);
        if (preview is null) return (null, error, gone);
        var claims = (await signer.ReadAsync(token))!;
        var outcome = await client.GetGrain<IActionLinkGrain>(claims.Nonce).UseAsync(claims.RunId,
            new RunDecision(ParseDecision(claims.Decision)!.Value, claims.Approver, claims.CallId, "decided through a signed link", ExpectedArgsHash: claims.ArgsHash));
        if (outcome.AlreadyUsed) return (null, Errors.Conflict("This link was used already."), true);
        return outcome.Result!.Error is { } refused ? (null, refused, false) : (outcome.Result.Run, null, false);
    }

    private async Task<PendingApproval?> PendingCallAsync(Guid runId, string callId) =>
        await client.GetGrain<IAgentRunGrain>(runId).GetPendingApprovalAsync() is { } pending && pending.CallId == callId ? pending : null;

    // ---- audit and analytics --------------------------------------------------------------------------------------

    public async Task<(ImmutableArray<AuditRecord> Rows, OperationError? Error)> AuditAsync(ClaimsPrincipal user, Guid? runId, long after, int limit) =>
        Admin(user) is { } denied ? ([], denied) : (await Audit.ListAsync(runId, after, limit), null);

    public async Task<(AuditVerification? Result, OperationError? Error)> VerifyAsync(ClaimsPrincipal user) =>
        Admin(user) is { } denied ? (null, denied) : (await Audit.VerifyAsync(), null);

    public async Task<(EvidenceResponse? Evidence, OperationError? Error)> EvidenceAsync(ClaimsPrincipal user, Guid runId, string callId)
    {
        if (Admin(user) is { } denied) return (null, denied);
        var rows = await Audit.EvidenceAsync(runId, callId);
        return rows.IsEmpty ? (null, Errors.NotFound($"No decision about call {callId} of run {runId} is in the audit.")) : (EvidenceResponse.From(runId, callId, rows), null);
    }

    public async Task<(ApprovalStatsResponse? Stats, OperationError? Error)> StatsAsync(ClaimsPrincipal user, DateTimeOffset? from, DateTimeOffset? to)
    {
        if (Admin(user) is { } denied) return (null, denied);
        var earliest = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        if (from < earliest || to < earliest || from > DateTimeOffset.MaxValue.AddYears(-1) || to > DateTimeOffset.MaxValue.AddYears(-1))
            return (null, Errors.Validation("invalid_period", "from and to must be dates after 2000-01-01."));
        var end = to ?? clock.GetUtcNow();
        var start = from ?? end.AddDays(-7);
        if (start >= end) return (null, Errors.Validation("invalid_period", "from must be before to."));
        var rows = new List<AuditRecord>();
        for (long after = 0; ;)
        {
            var page = await Audit.ListBetweenAsync(start, end, after, ApprovalAuditGrain.MaxPageSize);
            rows.AddRange(page);
            if (page.Length < ApprovalAuditGrain.MaxPageSize) break;
            after = page[^1].Sequence;
        }
        var waiting = (await client.GetGrain<IRunDirectoryGrain>(0).ListPendingApprovalsAsync(new ApprovalQuery(null, 1, 0))).Total;
        return (ApprovalStatsResponse.From(ApprovalStats.Compute(rows, start, end), waiting), null);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static OperationError? Admin(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.IsStoreAdmin() ? null : Errors.Forbidden("Approval governance is for STORE_ADMINs.");

    public static string Who(ClaimsPrincipal user) => user.FindFirstValue(AgentOpsClaims.Email) ?? user.Id().ToString();

    private static int ApiStatus(ErrorKind kind) => Http.ApiErrors.StatusFor(kind);

    private static (PolicyDraft? Draft, OperationError? Error) ToDraft(PolicyRequest r)
    {
        if (!JournalCodec.TryParseEffect(r.Effect?.Trim().ToLowerInvariant(), out var effect))
            return (null, Errors.Validation("invalid_effect", "effect must be auto_approve, require or deny."));
        RiskClass? risk = null;
        if (r.Risk is { } riskText)
        {
            if (!Enum.TryParse<RiskClass>(riskText, ignoreCase: true, out var parsed) || int.TryParse(riskText, out _))
                return (null, Errors.Validation("invalid_risk", "risk must be safe, dangerous or delegation."));
            risk = parsed;
        }
        if (r.ArgsRule is { } rule && rule.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            return (null, Errors.Validation("invalid_args_rule", "args_rule must be a JSON Schema object."));
        TimeSpan? within = r.RespondWithinSeconds is { } seconds
            ? double.IsFinite(seconds) && seconds is > 0 and <= 30 * 86400 ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero
            : null;
        return (new PolicyDraft(r.Name ?? "", effect, r.ToolName, risk, r.AgentType,
            r.ArgsRule is { ValueKind: JsonValueKind.Object } schema ? schema.GetRawText() : null,
            r.Approvers ?? 1, r.Roles is null ? default : [.. r.Roles], within, r.Priority ?? 0, r.Reason), null);
    }
}
