namespace AgentOps.Agents.Planning;

/// <summary>Decides an agent's next step. Both brains produce the same kinds of decisions, hence the same journal.</summary>
public interface IAgentBrain
{
    Task<AgentDecision> DecideAsync(IAgent agent, AgentContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Whether it answers at once, without I/O. A run's first step is then taken inside its start and journaled in one
    /// commit with RUN_STARTED; a brain that calls a model is asked after the start has answered.
    /// </summary>
    bool AnswersAtOnce => false;
}

/// <summary>The built-in deterministic planners (offline, and what the tests use by default).</summary>
public sealed class BuiltInBrain : IAgentBrain
{
    public bool AnswersAtOnce => true;

    public Task<AgentDecision> DecideAsync(IAgent agent, AgentContext context, CancellationToken cancellationToken) =>
        Task.FromResult(agent.Plan(context));
}

/// <summary>The planner's output could not be used (nothing to do, unusable reply).</summary>
public sealed class PlannerOutputException(string message) : Exception(message);
