using AgentOps.Agents;
using AgentOps.Journal;

namespace AgentOps.Tests.Infrastructure;

/// <summary>Starting agent runs and waiting for them in grain tests.</summary>
public static class Runs
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The seeded store admin: grain tests exercise the runtime, not authorization (see AgentAuthorizationTests).</summary>
    public const string Admin = "admin@bookstore.com";

    public static async Task<Guid> StartAsync(IGrainFactory grains, string prompt, string? agentType, string user = "tester", string requestedBy = Admin)
    {
        var id = Guid.NewGuid();
        var result = await grains.GetGrain<IAgentRunGrain>(id).StartAsync(new StartRun(prompt, user, agentType, RequestedBy: requestedBy));
        Assert.Null(result.Error);
        return id;
    }

    public static async Task<RunView> WaitForAsync(IGrainFactory grains, Guid runId, RunStatus status, TimeSpan? timeout = null)
    {
        RunView? view = null;
        await Scenario.EventuallyAsync(async () =>
        {
            view = await grains.GetGrain<IAgentRunGrain>(runId).GetAsync();
            return view?.Run.Status == status;
        }, timeout ?? Patience, () => $"run {runId} is {status} (last seen: {view?.Run.Status}; {Describe(view)})");
        return view!;
    }

    public static IReadOnlyList<string> Types(RunView view) => [.. view.Events.Select(e => JournalCodec.TypeOf(e.Event))];

    public static T Single<T>(RunView view) where T : RunEvent => Assert.Single(view.Events.Select(e => e.Event).OfType<T>());

    private static string Describe(RunView? view) => view is null ? "no run" : string.Join(" → ", Types(view));
}
