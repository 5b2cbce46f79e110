using System.Text.Json;

namespace AgentOps.FaultHarness;

public sealed record JournalEvent(int Sequence, string Type, JsonElement Payload, DateTimeOffset CreatedAt)
{
    public string? Str(string name) => Payload.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public string? CallId => Str("call_id");
}

/// <summary>
/// A run's journal as PostgreSQL holds it, folded by the checker's own reading of SPEC §3 (not the product's fold),
/// so that the two can be compared.
/// </summary>
public sealed class RunJournal
{
    public RunJournal(Guid id, IReadOnlyList<JournalEvent> events)
    {
        Id = id;
        Events = events;
        Fold();
    }

    public Guid Id { get; }

    public IReadOnlyList<JournalEvent> Events { get; }

    public string Status { get; private set; } = "unknown";

    public Guid? Parent { get; private set; }

    /// <summary>The call waiting for a decision, if the run is suspended on one.</summary>
    public string? AwaitingCall { get; private set; }

    public DateTimeOffset? AwaitingExpiresAt { get; private set; }

    public Guid? BlockedByChild { get; private set; }

    /// <summary>Events journaled after the run ended (the run should have stopped).</summary>
    public List<JournalEvent> AfterEnd { get; } = [];

    public bool IsTerminal => Status is "completed" or "failed" or "cancelled";

    private void Fold()
    {
        foreach (var e in Events)
        {
            if (IsTerminal)
            {
                AfterEnd.Add(e);
                continue;
            }
            switch (e.Type)
            {
                case "RUN_STARTED":
                    Status = "pending";
                    Parent = Guid.TryParse(e.Str("parent_run_id"), out var parent) ? parent : null;
                    break;
                case "AGENT_THOUGHT" or "TOOL_PROPOSED" or "TOOL_RESULT":
                    Status = "running";
                    break;
                case "RUN_SUSPENDED":
                    Status = "suspended";
                    if (Guid.TryParse(e.Str("blocked_by_child_run_id"), out var child)) BlockedByChild = child;
                    if (e.CallId is { } call)
                    {
                        AwaitingCall = call;
                        AwaitingExpiresAt = DateTimeOffset.TryParse(e.Str("expires_at"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var at) ? at : null;
                    }
                    break;
                case "RUN_RESUMED":
                    Status = "running";
                    if (e.CallId == AwaitingCall)
                    {
                        AwaitingCall = null;
                        AwaitingExpiresAt = null;
                    }
                    break;
                case "CHILD_RUN_STARTED":
                    break;
                case "CHILD_RUN_COMPLETED":
                    Status = "running";
                    if (Guid.TryParse(e.Str("child_run_id"), out var done) && done == BlockedByChild) BlockedByChild = null;
                    break;
                case "RUN_COMPLETED":
                    Status = "completed";
                    break;
                case "SYSTEM_ERROR":
                    if (e.Payload.TryGetProperty("fatal", out var fatal) && fatal.ValueKind == JsonValueKind.True) Status = "failed";
                    break;
                case "RUN_CANCELLED":
                    Status = "cancelled";
                    break;
            }
            if (IsTerminal)
            {
                AwaitingCall = null;
                BlockedByChild = null;
            }
        }
    }
}
