using System.Security.Claims;
using System.Text.Json;
using AgentOps.Agents;
using AgentOps.Journal;
using AgentOps.Web.Auth;
using AgentOps.Web.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AgentOps.Web.Agents;

/// <summary>The /agents rows of the front door: start, list, read, follow (SSE), decide, cancel.</summary>
public static class AgentsApi
{
    public const int MaxFeedbackLength = 2000;
    public const int MaxReasonLength = 500;

    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder routes)
    {
        var agents = routes.MapGroup("/agents").WithTags("Agents").RequireAuthorization(Policies.User);
        agents.MapPost("/runs", StartAsync).WithName("StartRun").WithSummary("Starts an agent run; without agent_type the orchestrator routes the task.");
        agents.MapGet("/runs", ListAsync).WithName("ListRuns").WithSummary("Top-level runs, newest first (customers: their own). Filters user_id, status.");
        agents.MapGet("/runs/{id}", GetAsync).WithName("GetRun").WithSummary("A run with its journal events and the tool call waiting for approval.");
        agents.MapGet("/runs/{id}/events", RunEventStream.StreamAsync).WithName("StreamRunEvents")
            .WithSummary("Server-sent events: the journal so far, then live (child runs included); 'done' when the run ends.");
        agents.MapPost("/runs/{id}/resume", ResumeAsync).RequireAuthorization(Policies.StoreAdmin).WithName("ResumeRun")
            .WithSummary("Approves (optionally with edited args) or rejects the pending dangerous call. STORE_ADMIN.");
        agents.MapPost("/runs/{id}/cancel", CancelAsync).RequireAuthorization(Policies.StoreAdmin).WithName("CancelRun")
            .WithSummary("Cancels a run and its child runs. STORE_ADMIN.");
        agents.MapGet("/approvals", ApprovalsAsync).RequireAuthorization(Policies.StoreAdmin).WithName("ListPendingApprovals")
            .WithSummary("Tool calls in the cluster waiting for approval, oldest first, a page at a time with the total. STORE_ADMIN.");
        agents.MapGet("/types", ListTypes).WithName("ListAgentTypes").WithSummary("The agents a run can be started with.");
        return routes;
    }

    private static async Task<Results<Created<StartRunResponse>, ApiErrorResult>> StartAsync(
        StartRunRequest body, ClaimsPrincipal user, RunLauncher launcher)
    {
        if (string.IsNullOrWhiteSpace(body.Prompt))
            return ApiErrors.Validation("missing_field", "prompt is required.", new Dictionary<string, string> { ["field"] = "prompt" });
        var userId = user.Id().ToString();
        if (body.UserId is { } requested && requested != userId)
        {
            if (!user.IsStoreAdmin()) return ApiErrors.Forbidden("Only a STORE_ADMIN may start a run on behalf of another user.");
            if (requested.Length is 0 or > 320) return ApiErrors.Validation("invalid_user_id", "user_id must have 1 to 320 characters.");
            userId = requested;
        }
        var (runId, result) = await launcher.StartAsync(user, new StartRun(body.Prompt, userId, body.AgentType));
        if (result.Error is { } error) return ApiErrors.From(error);
        return TypedResults.Created($"/agents/runs/{runId}", new StartRunResponse(runId, JournalCodec.Name(result.Run!.Status)));
    }

    private static async Task<Results<Ok<RunListResponse>, ApiErrorResult>> ListAsync(
        ClaimsPrincipal user, IGrainFactory grains, IOptions<ApiOptions> api,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "user_id")] string? userId, string? status, int? limit, int? offset)
    {
        if (Paging.Check(limit, offset, Math.Min(api.Value.MaxPageSize, RunDirectoryGrainLimit), out var take, out var skip) is { } invalid) return invalid;
        RunStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.TryParse<RunStatus>(status, ignoreCase: true, out var parsed) || int.TryParse(status, out _))
                return ApiErrors.Validation("invalid_status", "status must be pending, running, suspended, completed, failed or cancelled.");
            wanted = parsed;
        }
        if (!user.IsStoreAdmin())
        {
            if (userId is not null && userId != user.Id().ToString()) return ApiErrors.Forbidden("Customers can only list their own runs.");
            userId = user.Id().ToString();
        }
        var page = await grains.GetGrain<IRunDirectoryGrain>(0).ListAsync(new RunQuery(userId, wanted, take, skip));
        return TypedResults.Ok(new RunListResponse([.. page.Runs.Select(r => RunResponse.From(r))], page.Total, take, skip));
    }

    private static async Task<Results<Ok<RunResponse>, ApiErrorResult>> GetAsync(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (Paging.ParseId(id, "run id", out var runId) is { } invalid) return invalid;
        var view = await grains.GetGrain<IAgentRunGrain>(runId).GetAsync();
        if (view is null) return ApiErrors.NotFound($"Run {runId} does not exist.");
        if (!MayRead(user, view.Run)) return ApiErrors.Forbidden("This run belongs to another user.");
        return TypedResults.Ok(RunResponse.From(view));
    }

    private static async Task<Results<Ok<RunResponse>, ApiErrorResult>> ResumeAsync(
        string id, ResumeRunRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (Paging.ParseId(id, "run id", out var runId) is { } invalid) return invalid;
        ApprovalDecision decision;
        switch (body.Decision?.Trim().ToLowerInvariant())
        {
            case "approved" or "approve": decision = ApprovalDecision.Approved; break;
            case "rejected" or "reject": decision = ApprovalDecision.Rejected; break;
            case null: return ApiErrors.Validation("missing_field", "decision is required (\"approved\" or \"rejected\").", new Dictionary<string, string> { ["field"] = "decision" });
            default: return ApiErrors.Validation("invalid_decision", "decision must be \"approved\" or \"rejected\".");
        }
        if (body.Feedback is { Length: > MaxFeedbackLength }) return ApiErrors.Validation("feedback_too_long", $"feedback may have at most {MaxFeedbackLength} characters.");
        string? args = null;
        if (body.Args is { ValueKind: not JsonValueKind.Null } edited)
        {
            if (edited.ValueKind != JsonValueKind.Object) return ApiErrors.Validation("invalid_tool_args", "args must be a JSON object.");
            if (decision != ApprovalDecision.Approved) return ApiErrors.Validation("invalid_tool_args", "args can only be given with \"approved\".");
            args = edited.GetRawText();
        }
        if (body.CallId is { Length: 0 or > 80 }) return ApiErrors.Validation("invalid_call_id", "call_id must have 1 to 80 characters.");

        var run = grains.GetGrain<IAgentRunGrain>(runId);
        var result = await run.DecideAsync(new RunDecision(decision, Who(user), body.CallId, body.Feedback?.Trim(), args));
        if (result.Error is { } error) return ApiErrors.From(error);
        // A run that ended in the decision's turn has nothing pending: one grain call fewer on the common path.
        var ended = result.Run!.Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;
        return TypedResults.Ok(RunResponse.From(result.Run, ended ? null : await run.GetPendingApprovalAsync()));
    }

    private static async Task<Results<Ok<RunResponse>, ApiErrorResult>> CancelAsync(
        string id, CancelRunRequest? body, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (Paging.ParseId(id, "run id", out var runId) is { } invalid) return invalid;
        var reason = string.IsNullOrWhiteSpace(body?.Reason) ? "cancelled by an approver" : body.Reason.Trim();
        if (reason.Length > MaxReasonLength) return ApiErrors.Validation("reason_too_long", $"reason may have at most {MaxReasonLength} characters.");
        var result = await grains.GetGrain<IAgentRunGrain>(runId).CancelAsync(reason, Who(user));
        if (result.Error is { } error) return ApiErrors.From(error);
        return TypedResults.Ok(RunResponse.From(result.Run!));
    }

    private static async Task<Results<Ok<ApprovalListResponse>, ApiErrorResult>> ApprovalsAsync(IGrainFactory grains, int? limit, int? offset)
    {
        if (Paging.Check(limit ?? DefaultApprovalsPageSize, offset, RunDirectoryGrain.MaxApprovalsPageSize, out var take, out var skip) is { } invalid) return invalid;
        var page = await grains.GetGrain<IRunDirectoryGrain>(0).ListPendingApprovalsAsync(new ApprovalQuery(null, take, skip));
        return TypedResults.Ok(new ApprovalListResponse([.. page.Approvals.Select(PendingToolResponse.From)], page.Total, take, skip));
    }

    private static Ok<List<AgentTypeResponse>> ListTypes(AgentCatalog agents) =>
        TypedResults.Ok(agents.All.Select(a => new AgentTypeResponse(a.Type, a.Description, a.ToolNames)).ToList());

    internal static bool MayRead(ClaimsPrincipal user, RunSummary run) => user.IsStoreAdmin() || run.UserId == user.Id().ToString();

    private static string Who(ClaimsPrincipal user) => user.FindFirstValue(AgentOpsClaims.Email) ?? user.Id().ToString();

    private const int RunDirectoryGrainLimit = RunDirectoryGrain.MaxPageSize;

    /// <summary>The page size when the client names none (the old unpaged default).</summary>
    private const int DefaultApprovalsPageSize = 200;
}
