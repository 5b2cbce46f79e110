using System.Security.Claims;
using AgentOps.Agents;
using AgentOps.Agents.Tools;
using AgentOps.Hosting;
using AgentOps.Journal;
using AgentOps.Web.Auth;
using Microsoft.AspNetCore.Components.Authorization;
using Orleans.Streams;

namespace AgentOps.Web.Agents;

/// <summary>
/// What the Blazor pages do with agent runs, through the Orleans client. Authorization is checked here, on the
/// server, whatever the page shows: only approvers decide or cancel, customers see only their own runs.
/// </summary>
public sealed class AgentsUiService(IClusterClient client, AuthenticationStateProvider authentication, AgentCatalog agents, ToolRegistry tools, RunLauncher launcher)
{
    public IReadOnlyList<IAgent> AgentTypes => agents.All;

    public async Task<ClaimsPrincipal> UserAsync() => (await authentication.GetAuthenticationStateAsync()).User;

    public async Task<bool> IsApproverAsync() => (await UserAsync()).IsStoreAdmin();

    /// <summary>A page of the inbox with the true total: every pending call for an approver, a customer's own otherwise.</summary>
    public async Task<ApprovalPage> PendingApprovalsAsync(int limit, int offset)
    {
        var user = await UserAsync();
        return await client.GetGrain<IRunDirectoryGrain>(0).ListPendingApprovalsAsync(
            new ApprovalQuery(user.IsStoreAdmin() ? null : user.Id().ToString(), limit, offset));
    }

    public async Task<RunPage> ListRunsAsync(RunStatus? status, int limit, int offset)
    {
        var user = await UserAsync();
        return await client.GetGrain<IRunDirectoryGrain>(0).ListAsync(new RunQuery(user.IsStoreAdmin() ? null : user.Id().ToString(), status, limit, offset));
    }

    public async Task<RunView?> GetRunAsync(Guid runId)
    {
        var user = await UserAsync();
        var view = await client.GetGrain<IAgentRunGrain>(runId).GetAsync();
        return view is not null && (user.IsStoreAdmin() || view.Run.UserId == user.Id().ToString()) ? view : null;
    }

    /// <summary>The run and every descendant, for a timeline with child runs inline.</summary>
    public async Task<IReadOnlyDictionary<Guid, RunView>> GetRunTreeAsync(Guid runId)
    {
        var tree = new Dictionary<Guid, RunView>();
        if (await GetRunAsync(runId) is not { } root) return tree;
        var pending = new Queue<RunView>([root]);
        while (pending.Count > 0 && tree.Count < 100)
        {
            var view = pending.Dequeue();
            tree[view.Run.Id] = view;
            foreach (var child in view.ChildRunIds)
            {
                if (await client.GetGrain<IAgentRunGrain>(child).GetAsync() is { } childView) pending.Enqueue(childView);
            }
        }
        return tree;
    }

    public async Task<(Guid? RunId, string? Error)> StartAsync(string prompt, string? agentType)
    {
        var user = await UserAsync();
        if (!user.Identity?.IsAuthenticated ?? true) return (null, "Sign in first.");
        var (runId, result) = await launcher.StartAsync(user, new StartRun(prompt, user.Id().ToString(), agentType));
        return result.Error is { } error ? (null, error.Message) : (runId, null);
    }

    /// <summary>Decides a pending call; returns an error message, or null when it was accepted.</summary>
    public async Task<UiDecisionResult> DecideAsync(PendingApproval approval, ApprovalDecision decision, string? feedback, string? editedArgs)
    {
        var user = await UserAsync();
        if (!user.IsStoreAdmin()) return UiDecisionResult.Failed("Only a STORE_ADMIN can decide on tool calls.");
        var result = await client.GetGrain<IAgentRunGrain>(approval.RunId).DecideAsync(
            new RunDecision(decision, user.FindFirstValue(AgentOpsClaims.Email) ?? user.Id().ToString(), approval.CallId,
                string.IsNullOrWhiteSpace(feedback) ? null : feedback.Trim(), editedArgs));
        return result.Error is { } error
            ? UiDecisionResult.Failed(error.Message, error.Details?.Where(d => d.Key.StartsWith("problem_", StringComparison.Ordinal)).Select(d => d.Value).ToList())
            : UiDecisionResult.Accepted;
    }

    public async Task<string?> CancelAsync(Guid runId, string reason)
    {
        var user = await UserAsync();
        if (!user.IsStoreAdmin()) return "Only a STORE_ADMIN can cancel runs.";
        var result = await client.GetGrain<IAgentRunGrain>(runId).CancelAsync(reason, user.FindFirstValue(AgentOpsClaims.Email) ?? user.Id().ToString());
        return result.Error?.Message;
    }

    /// <summary>Problems with edited arguments, checked the same way the run checks them.</summary>
    public IReadOnlyList<string> ValidateArgs(string toolName, string json) => ToolArguments.Validate(tools.Find(toolName), json);

    public Task<IAsyncDisposable> SubscribeApprovalsAsync(Func<ApprovalNotice, Task> onNotice) =>
        SubscribeAsync(StreamId.Create(StorageNames.ApprovalsStreamNamespace, Guid.Empty), onNotice);

    /// <summary>Journal events of a run and (for a root run) of its descendants.</summary>
    public Task<IAsyncDisposable> SubscribeRunAsync(Guid runId, Func<JournalEntry, Task> onEntry) =>
        SubscribeAsync<RunStreamItem>(RunStreams.For(runId), item => item.WatchedRunId == runId ? onEntry(item.Entry) : Task.CompletedTask);

    private async Task<IAsyncDisposable> SubscribeAsync<T>(StreamId id, Func<T, Task> onItem)
    {
        var handle = await client.GetStreamProvider(StorageNames.Streams).GetStream<T>(id).SubscribeAsync((item, _) => onItem(item));
        return new Subscription<T>(handle);
    }

    private sealed class Subscription<T>(StreamSubscriptionHandle<T> handle) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await handle.UnsubscribeAsync();
            }
            catch (Exception)
            {
                // The circuit is going away; a subscription left behind only costs a dropped message.
            }
        }
    }
}

public sealed record UiDecisionResult(bool Ok, string? Error, IReadOnlyList<string> Problems)
{
    public static readonly UiDecisionResult Accepted = new(true, null, []);

    public static UiDecisionResult Failed(string error, IReadOnlyList<string>? problems = null) => new(false, error, problems ?? []);
}
