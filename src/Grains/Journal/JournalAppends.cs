namespace AgentOps.Journal;

/// <summary>What a journal append that found its sequence numbers taken means.</summary>
public static class JournalAppends
{
    /// <summary>
    /// True when exactly these events (same ids at the same sequences) are stored: the append already happened and
    /// repeating it is a success. Anything else stored there is a conflict.
    /// </summary>
    public static bool AlreadyStored(IReadOnlyList<JournalEntry> appending, IEnumerable<(int Sequence, Guid Id)> stored)
    {
        var found = stored.ToDictionary(s => s.Sequence, s => s.Id);
        return appending.All(e => found.TryGetValue(e.Sequence, out var id) && id == e.Id);
    }
}
