namespace AgentOps.Hosting;

/// <summary>Names of the Orleans providers, in one place.</summary>
public static class StorageNames
{
    /// <summary>Grain state of the bookstore and the agents.</summary>
    public const string Store = "store";

    /// <summary>Stream pub-sub subscriptions.</summary>
    public const string PubSub = "PubSubStore";

    /// <summary>The stream provider carrying journal events to the web tier.</summary>
    public const string Streams = "agentops";

    /// <summary>The ADO.NET invariant for PostgreSQL.</summary>
    public const string Invariant = "Npgsql";
}
