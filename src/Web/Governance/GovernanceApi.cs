using System.Security.Claims;
using System.Text.Encodings.Web;
using AgentOps.Agents.Tools;
using AgentOps.Common;
using AgentOps.Web.Auth;
using AgentOps.Web.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AgentOps.Web.Governance;

/// <summary>
/// The approval-governance rows of the front door (SPEC section 8): policies, grants, bulk decisions, signed action
/// links, the audit with its verification, per-call evidence and analytics. Every rule lives in <see cref="GovernanceService"/>.
/// </summary>
public static class GovernanceApi
{
    public static IEndpointRouteBuilder MapGovernanceApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/agents").WithTags("Approval governance").RequireAuthorization(Policies.StoreAdmin);
        admin.MapGet("/policies", ListPoliciesAsync).WithName("ListPolicies").WithSummary("Approval policies in the order they are tried. STORE_ADMIN.");
        admin.MapPost("/policies", CreatePolicyAsync).WithName("CreatePolicy").WithSummary("Adds a policy (version 1). STORE_ADMIN.");
        admin.MapGet("/policies/{id}/versions", PolicyVersionsAsync).WithName("ListPolicyVersions").WithSummary("Every version of a policy: who changed what, when.");
        admin.MapPut("/policies/{id}", UpdatePolicyAsync).WithName("UpdatePolicy").WithSummary("Replaces a policy's rule as a new version (expected_version optional).");
        admin.MapDelete("/policies/{id}", DeletePolicyAsync).WithName("DeletePolicy").WithSummary("Retires a policy (kept in its versions).");
        admin.MapPost("/policies/evaluate", EvaluateAsync).WithName("EvaluatePolicies")
            .WithSummary("What the policies and grants would do with a call, and which rule decides (uses no grant).");
        admin.MapGet("/grants", ListGrantsAsync).WithName("ListGrants").WithSummary("Standing grants (active ones; all=true for every grant).");
        admin.MapPost("/grants", CreateGrantAsync).WithName("CreateGrant").WithSummary("Grants a tool for a time and/or a number of uses.");
        admin.MapDelete("/grants/{id}", RevokeGrantAsync).WithName("RevokeGrant").WithSummary("Revokes a grant at once, on every silo.");
        admin.MapGet("/audit", AuditAsync).WithName("ListAudit").WithSummary("Approval audit rows in sequence order (run_id, after, limit).");
        admin.MapGet("/audit/verify", VerifyAsync).WithName("VerifyAudit").WithSummary("Checks the hash chain; names the first broken row.");
        admin.MapGet("/runs/{id}/approvals/{callId}/evidence", EvidenceAsync).WithName("CallEvidence")
            .WithSummary("The hashes of a call's arguments as proposed, approved and executed, with its audit rows.");
        admin.MapGet("/approvals/stats", StatsAsync).WithName("ApprovalStats").WithSummary("Approval analytics over a period (from, to; default the last 7 days).");
        admin.MapPost("/runs/{id}/approvals/{callId}/links", CreateLinkAsync).WithName("CreateActionLink")
            .WithSummary("A single-use signed link that approves or rejects the call as you.");

        var decide = routes.MapGroup("/agents").WithTags("Approval governance").RequireAuthorization(Policies.User);
        decide.MapPost("/approvals/batch", BatchAsync).WithName("DecideBatch")
            .WithSummary("Decides many calls; each item on its own, with its own status (200, 403, 404, 409).");

        // The link is the credential: signed, bound to one call, its arguments and one approver, and usable once.
        var links = routes.MapGroup("/agents/actions").WithTags("Approval governance").AllowAnonymous();
        links.MapGet("/{token}", ConfirmPageAsync).WithName("ActionLinkConfirm").WithSummary("The confirm page of a signed link (JSON with Accept: application/json).");
        links.MapPost("/{token}", UseLinkAsync).WithName("ActionLinkUse").WithSummary("Carries out a signed link's decision: once.").DisableAntiforgery();
        return routes;
    }

    private static async Task<Results<Ok<List<PolicyResponse>>, ApiErrorResult>> ListPoliciesAsync(ClaimsPrincipal user, GovernanceService governance, bool? deleted)
    {
        var (policies, error) = await governance.ListPoliciesAsync(user, deleted ?? false);
        return error is not null ? ApiErrors.From(error) : TypedResults.Ok(policies.Select(PolicyResponse.From).ToList());
    }

    private static async Task<Results<Created<PolicyResponse>, ApiErrorResult>> CreatePolicyAsync(PolicyRequest body, ClaimsPrincipal user, GovernanceService governance)
    {
        var result = await governance.SavePolicyAsync(user, null, body);
        return result.Error is { } error ? ApiErrors.From(error) : TypedResults.Created($"/agents/policies/{result.Policy!.Id}", PolicyResponse.From(result.Policy));
    }

    private static async Task<Results<Ok<List<PolicyResponse>>, ApiErrorResult>> PolicyVersionsAsync(string id, ClaimsPrincipal user, GovernanceService governance)
    {
        if (Paging.ParseId(id, "policy id", out var policyId) is { } invalid) return invalid;
        var (versions, error) = await governance.PolicyHistoryAsync(user, policyId);
        return error is not null ? ApiErrors.From(error) : TypedResults.Ok(versions.Select(PolicyResponse.From).ToList());
    }

    private static async Task<Results<Ok<PolicyResponse>, ApiErrorResult>> UpdatePolicyAsync(string id, PolicyRequest body, ClaimsPrincipal user, GovernanceService governance)
    {
        if (Paging.ParseId(id, "policy id", out var policyId) is { } invalid) return invalid;
        var result = await governance.SavePolicyAsync(user, policyId, body);
        return result.Error is { } error ? ApiErrors.From(error) : TypedResults.Ok(PolicyResponse.From(result.Policy!));
    }

    private static async Task<Results<Ok<PolicyResponse>, ApiErrorResult>> DeletePolicyAsync(string id, ClaimsPrincipal user, GovernanceService governance)
    {
        if (Paging.ParseId(id, "policy id", out var policyId) is { } invalid) return invalid;
        var result = await governance.DeletePolicyAsync(user, policyId);
        return result.Error is { } error ? ApiErrors.From(error) : TypedResults.Ok(PolicyResponse.From(result.Policy!));
    }

    private static async Task<Results<Ok<EvaluateResponse>, ApiErrorResult>> EvaluateAsync(
        EvaluateRequest body, ClaimsPrincipal user, GovernanceService governance, ToolRegistry tools)
    {
        var (verdict, error) = await governance.EvaluateAsync(user, body, name => tools.Find(name)?.Risk);
        return error is not null ? ApiErrors.From(error) : TypedResults.Ok(EvaluateResponse.From(verdict!));
    }

    private static async Task<Results<Ok<List<GrantResponse>>, ApiErrorResult>> ListGrantsAsync(
        ClaimsPrincipal user, GovernanceService governance, TimeProvider clock, bool? all)
    {
        var (grants, error) = await governance.ListGrantsAsync(user, all ?? false);
        var now = clock.GetUtcNow();
        return error is not null ? ApiErrors.From(error) : TypedResults.Ok(grants.Select(g => GrantResponse.From(g, now)).ToList());
    }

    private static async Task<Results<Created<GrantResponse>, ApiErrorResult>> CreateGrantAsync(
        GrantRequest body, ClaimsPrincipal user, GovernanceService governance, TimeProvider clock)
    {
        var result = await governance.CreateGrantAsync(user, body);
        return result.Error is { } error ? ApiErrors.From(error)
            : TypedResults.Created($"/agents/grants/{result.Grant!.Id}", GrantResponse.From(result.Grant, clock.GetUtcNow()));
    }

    private static async Task<Results<Ok<GrantResponse>, ApiErrorResult>> RevokeGrantAsync(string id, ClaimsPrincipal user, GovernanceService governance, TimeProvider clock)
    {
        if (Paging.ParseId(id, "grant id", out var grantId) is { } invalid) return invalid;
        var result = await governance.RevokeGrantAsync(user, grantId);
        return result.Error is { } error ? ApiErrors.From(error) : TypedResults.Ok(GrantResponse.From(result.Grant!, clock.GetUtcNow()));
    }

    private static async Task<Results<Ok<BatchDecisionResponse>, ApiErrorResult>> BatchAsync(
        List<BatchDecisionItem>? body, ClaimsPrincipal user, GovernanceService governance)
    {
        if (body is null || body.Count == 0) return ApiErrors.Validation("missing_items", "Send a JSON array of {run_id, call_id, decision, feedback?, args?}.");
        if (body.Count > GovernanceService.MaxBatchItems) return ApiErrors.Validation("too_many_items", $"At most {GovernanceService.MaxBatchItems} items per batch.");
        var results = await governance.DecideBatchAsync(user, body);
        var ok = results.Count(r => r.Status == StatusCodes.Status200OK);
        return TypedResults.Ok(new BatchDecisionResponse(results, ok, results.Count - ok));
    }

    private static async Task<Results<Ok<AuditListResponse>, ApiErrorResult>> AuditAsync(
        ClaimsPrincipal user, GovernanceService governance, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "run_id")] string? runId, long? after, int? limit)
    {
        Guid? run = null;
        if (runId is not null)
        {
            if (Paging.ParseId(runId, "run_id", out var parsed) is { } invalid) return invalid;
            run = parsed;
        }
        if (limit is < 1 or > AgentOps.Governance.ApprovalAuditGrain.MaxPageSize)
            return ApiErrors.Validation("invalid_limit", $"limit must be between 1 and {AgentOps.Governance.ApprovalAuditGrain.MaxPageSize}.");
        if (after is < 0) return ApiErrors.Validation("invalid_after", "after must not be negative.");
        var take = limit ?? 100;
        var (rows, error) = await governance.AuditAsync(user, run, after ?? 0, take);
        if (error is not null) return ApiErrors.From(error);
        return TypedResults.Ok(new AuditListResponse([.. rows.Select(AuditRowResponse.From)], rows.Length == take ? rows[^1].Sequence : null));
    }

    private static async Task<Results<Ok<AuditVerifyResponse>, ApiErrorResult>> VerifyAsync(ClaimsPrincipal user, GovernanceService governance)
    {
        var (result, error) = await governance.VerifyAsync(user);
        return error is not null ? ApiErrors.From(error) : TypedResults.Ok(AuditVerifyResponse.From(result!));
    }

    private static async Task<Results<Ok<EvidenceResponse>, ApiErrorResult>> EvidenceAsync(string id, string callId, ClaimsPrincipal user, GovernanceService governance)
    {
        if (Paging.ParseId(id, "run id", out var runId) is { } invalid) return invalid;
        var (evidence, error) = await governance.EvidenceAsync(user, runId, callId);
        return error is not null ? ApiErrors.From(error) : TypedResults.Ok(evidence!);
    }

    private static async Task<Results<Ok<ApprovalStatsResponse>, ApiErrorResult>> StatsAsync(
        ClaimsPrincipal user, GovernanceService governance, DateTimeOffset? from, DateTimeOffset? to)
    {
        var (stats, error) = await governance.StatsAsync(user, from, to);
        return error is not null ? ApiErrors.From(error) : TypedResults.Ok(stats!);
    }

    private static async Task<Results<Created<ActionLinkResponse>, ApiErrorResult>> CreateLinkAsync(
        string id, string callId, ActionLinkRequest body, ClaimsPrincipal user, GovernanceService governance, HttpRequest request)
    {
        if (Paging.ParseId(id, "run id", out var runId) is { } invalid) return invalid;
        var (link, error) = await governance.CreateLinkAsync(user, runId, callId, body.Decision, $"{request.Scheme}://{request.Host}{request.PathBase}");
        return error is not null ? ApiErrors.From(error) : TypedResults.Created(link!.Url, link);
    }

    private static async Task<IResult> ConfirmPageAsync(string token, GovernanceService governance, HttpRequest request)
    {
        var (preview, error, gone) = await governance.PreviewLinkAsync(token);
        var wantsJson = request.Headers.Accept.Any(a => a?.Contains("application/json", StringComparison.OrdinalIgnoreCase) == true);
        if (error is not null) return gone ? Gone(error) : ApiErrors.From(error);
        if (wantsJson) return TypedResults.Ok(preview);
        var html = HtmlEncoder.Default;
        var p = preview!;
        return TypedResults.Content($"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Confirm: {html.Encode(p.Decision)} {html.Encode(p.ToolName ?? "")}</title></head>
            <body style="font-family: sans-serif; max-width: 40em; margin: 2em auto">
            <h1>{html.Encode(p.Decision == "approved" ? "Approve" : "Reject")} {html.Encode(p.ToolName ?? "")}?</h1>
            <p>Run {html.Encode(p.RunId.ToString())}, call {html.Encode(p.CallId)}, as {html.Encode(p.Approver)}.</p>
            <pre>{html.Encode(p.Args?.ToJsonString() ?? "")}</pre>
            <form method="post"><button type="submit">Confirm</button></form>
            <p>This link works once and expires at {html.Encode(p.ExpiresAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture))}.</p>
            </body></html>
            """, "text/html; charset=utf-8");
    }

    private static async Task<IResult> UseLinkAsync(string token, GovernanceService governance)
    {
        var (run, error, gone) = await governance.UseLinkAsync(token);
        if (error is not null) return gone ? Gone(error) : ApiErrors.From(error);
        return TypedResults.Ok(Agents.RunResponse.From(run!));
    }

    private static ApiErrorResult Gone(OperationError error) => new(StatusCodes.Status410Gone, "state.gone", error.Message);
}
