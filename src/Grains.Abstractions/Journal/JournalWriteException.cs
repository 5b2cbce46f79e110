namespace AgentOps.Journal;

/// <summary>A run's journal refused a step's events after every retry; the run was failed and nothing more happens.</summary>
[GenerateSerializer, Alias("AgentOps.JournalWriteException")]
public sealed class JournalWriteException : Exception
{
    public JournalWriteException() { }

    public JournalWriteException(string message) : base(message) { }

    public JournalWriteException(string message, Exception inner) : base(message, inner) { }

    public JournalWriteException(Guid runId, string message, Exception cause) : base($"Run {runId}: {message}")
    {
        RunId = runId;
        // The storage exception itself stays in the silo's log; callers learn what happened, not the driver's internals.
        _ = cause;
    }

    [Id(0)]
    public Guid RunId { get; init; }
}
