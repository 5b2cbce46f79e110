namespace AgentOps.Journal;

/// <summary>One appended journal event. <paramref name="Sequence"/> is 1-based and unique per run.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.JournalEntry")]
public sealed record JournalEntry(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid RunId,
    [property: Id(2)] int Sequence,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] RunEvent Event);
