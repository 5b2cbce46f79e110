namespace AgentOps.Journal;

/// <summary>
/// A journal event on the live run streams, addressed to the run whose watchers want it: the run itself, or the root
/// run it belongs to (a root run's watchers follow its descendants too).
/// </summary>
[GenerateSerializer, Immutable, Alias("AgentOps.RunStreamItem")]
public sealed record RunStreamItem(
    [property: Id(0)] Guid WatchedRunId,
    [property: Id(1)] JournalEntry Entry);
