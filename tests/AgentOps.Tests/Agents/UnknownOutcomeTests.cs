using System.Collections.Concurrent;
using System.Text.Json;
using AgentOps.Agents;
using AgentOps.Agents.Tools;
using AgentOps.Journal;
using AgentOps.Tests.Infrastructure;
using AgentOps.Users;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace AgentOps.Tests.Agents;

/// <summary>
/// Issue 11, defect 3: a tool call that times out has an unknown outcome, not a failed one. It must stay open and be
/// settled with the same call id; journaling it as failed let the planner propose the same action again under a new
/// call id while the first call was still taking effect — applied twice.
/// </summary>
public sealed class UnknownOutcomeTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var settings = ClusterFactory.BaseSettings(connectionString: null);
        settings["AgentOps:Agents:StepTimeout"] = "00:00:01";
        _cluster = ClusterFactory.Build(1, settings, configure: b => b.AddSiloBuilderConfigurator<SlowToolConfigurator>());
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_call_that_times_out_is_sent_again_with_the_same_call_id_and_takes_effect_once()
    {
        var run = await Runs.StartAsync(_cluster.GrainFactory, "apply the slow change", SlowAgent.AgentType);

        var view = await Runs.WaitForAsync(_cluster.GrainFactory, run, RunStatus.Completed);

        var proposed = Assert.Single(view.Events.Select(e => e.Event).OfType<ToolProposed>());
        var result = Assert.Single(view.Events.Select(e => e.Event).OfType<ToolResult>());
        Assert.Equal(proposed.CallId, result.CallId);
        Assert.Equal(ToolResultStatus.Success, result.Status);
        Assert.Contains(view.Events.Select(e => e.Event).OfType<SystemError>(), e => !e.Fatal && e.ErrorDetails.Contains("unknown"));
        Assert.Equal(1, SlowTool.Effects.Values.Sum(v => v.Count(id => id == run)));
    }

    [Fact]
    public async Task A_call_whose_answer_is_lost_to_an_exception_after_its_effect_is_not_journaled_as_failed()
    {
        // The fault harness saw set_stock take effect while a dropped connection was journaled as its failure.
        var run = await Runs.StartAsync(_cluster.GrainFactory, "apply the flaky change", FlakyAgent.AgentType);

        var view = await Runs.WaitForAsync(_cluster.GrainFactory, run, RunStatus.Completed);

        var proposed = Assert.Single(view.Events.Select(e => e.Event).OfType<ToolProposed>());
        var result = Assert.Single(view.Events.Select(e => e.Event).OfType<ToolResult>());
        Assert.Equal((proposed.CallId, ToolResultStatus.Success), (result.CallId, result.Status));
        Assert.Contains(view.Events.Select(e => e.Event).OfType<SystemError>(), e => !e.Fatal && e.ErrorDetails.Contains("unknown"));
        Assert.Equal([run], FlakyTool.Effects[proposed.CallId]);
    }

    private sealed class SlowToolConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.Services.AddSingleton<IAgentTool, SlowTool>();
            siloBuilder.Services.AddSingleton<IAgent, SlowAgent>();
            siloBuilder.Services.AddSingleton<IAgentTool, FlakyTool>();
            siloBuilder.Services.AddSingleton<IAgent, FlakyAgent>();
        }
    }

    /// <summary>Applies its change, then loses the answer to an exception the first time; deduplicates on the call id.</summary>
    private sealed class FlakyTool : AgentTool
    {
        public static readonly ConcurrentDictionary<string, List<Guid>> Effects = new();

        public override string Name => "flaky_change";
        public override string Description => "A change whose first answer is lost.";
        protected override string SchemaJson => """{"type":"object","properties":{},"additionalProperties":false}""";

        public override bool MayUse(Requester? requester, JsonElement args) => true;

        public override Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken)
        {
            var first = false;
            Effects.GetOrAdd(call.CallId, _ =>
            {
                first = true;
                return [call.RunId];
            });
            return first
                ? throw new InvalidOperationException("the connection dropped before the answer came back")
                : Task.FromResult(ToolOutcome.Ok(new { applied = true }));
        }
    }

    private sealed class FlakyAgent : IAgent
    {
        public const string AgentType = "flaky-test";
        public string Type => AgentType;
        public string Description => "Test agent with one flaky tool.";
        public IReadOnlyList<string> Capabilities => ["flaky"];
        public IReadOnlyList<string> ToolNames => ["flaky_change"];
        public IReadOnlyCollection<UserRole> AllowedRoles => [UserRole.StoreAdmin];

        public AgentDecision Plan(AgentContext context)
        {
            var last = context.Last("flaky_change");
            if (last is { Succeeded: true }) return new Finish(null, "The flaky change is applied.");
            if (context.All("flaky_change").Count() >= 3) return new Finish(null, "Gave up.");
            return new CallTool("Applying the flaky change.", "flaky_change", "{}");
        }
    }

    /// <summary>Takes longer than the step timeout the first time; deduplicates on the call id like the bookstore does.</summary>
    private sealed class SlowTool : AgentTool
    {
        public static readonly ConcurrentDictionary<string, List<Guid>> Effects = new();
        private static readonly ConcurrentDictionary<string, Task> InFlight = new();

        public override string Name => "slow_change";
        public override string Description => "A change that takes 1.5 s the first time.";
        protected override string SchemaJson => """{"type":"object","properties":{},"additionalProperties":false}""";

        public override bool MayUse(Requester? requester, JsonElement args) => true;

        public override async Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken)
        {
            await InFlight.GetOrAdd(call.CallId, _ => ApplyAsync(call));
            return ToolOutcome.Ok(new { applied = true });
        }

        private static async Task ApplyAsync(ToolInvocation call)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(1500));
            Effects.AddOrUpdate(call.CallId, _ => [call.RunId], (_, list) => { lock (list) list.Add(call.RunId); return list; });
        }
    }

    /// <summary>Like a real planner: proposes the change, and proposes it again when it failed.</summary>
    private sealed class SlowAgent : IAgent
    {
        public const string AgentType = "slow-test";
        public string Type => AgentType;
        public string Description => "Test agent with one slow tool.";
        public IReadOnlyList<string> Capabilities => ["slow"];
        public IReadOnlyList<string> ToolNames => ["slow_change"];
        public IReadOnlyCollection<UserRole> AllowedRoles => [UserRole.StoreAdmin];

        public AgentDecision Plan(AgentContext context)
        {
            var last = context.Last("slow_change");
            if (last is { Succeeded: true }) return new Finish(null, "The slow change is applied.");
            if (context.All("slow_change").Count() >= 3) return new Finish(null, "Gave up.");
            return new CallTool("Applying the slow change.", "slow_change", "{}");
        }
    }
}
