using System.Collections.Immutable;
using AgentOps.Journal;

namespace AgentOps.Agents;

/// <summary>A run with its whole journal.</summary>
/// <param name="PendingTool">The call waiting for approval: this run's own, or a descendant's (its <c>RunId</c> says which).</param>
[GenerateSerializer, Immutable, Alias("AgentOps.RunView")]
public sealed record RunView(
    [property: Id(0)] RunSummary Run,
    [property: Id(1)] ImmutableArray<JournalEntry> Events,
    [property: Id(2)] PendingApproval? PendingTool,
    [property: Id(3)] ImmutableArray<Guid> ChildRunIds);
