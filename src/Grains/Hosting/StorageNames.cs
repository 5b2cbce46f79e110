namespace AgentOps.Hosting;

/// <summary>Names of the Orleans providers, in one place.</summary>
public static class StorageNames
{
    /// <summary>Grain state of the bookstore and the agents.</summary>
    public const string Store = "store";

    /// <summary>Order grain state, kept in the order's row (<c>OrderRowStorage</c>).</summary>
    public const string Orders = "orders";

    /// <summary>Stream pub-sub subscriptions.</summary>
    public const string PubSub = "PubSubStore";

    /// <summary>The stream provider carrying journal events to the web tier.</summary>
    public const string Streams = "agentops";

    /// <summary>The log-consistency provider of agent runs (their journal, see <c>IRunJournalStore</c>).</summary>
    public const string Journal = "journal";

    /// <summary>Stream namespace of the runs' live journal events (<c>RunStreams</c> picks the stream of a run).</summary>
    public const string RunStreamNamespace = "run";

    /// <summary>Stream namespace of the cluster-wide approvals feed (key = <see cref="Guid.Empty"/>).</summary>
    public const string ApprovalsStreamNamespace = "approvals";

    /// <summary>The ADO.NET invariant for PostgreSQL.</summary>
    public const string Invariant = "Npgsql";
}
