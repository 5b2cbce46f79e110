namespace AgentOps.Hosting;

public enum StorageProvider
{
    /// <summary>PostgreSQL through the Orleans ADO.NET providers (the default, and the only durable choice).</summary>
    Postgres = 0,
    /// <summary>In-memory storage: loses everything on restart. Only when asked for explicitly (tests, demos).</summary>
    Memory = 1,
}

/// <summary>Where durable state lives. Section <c>AgentOps:Storage</c>; the connection string is <c>AgentOps:Postgres</c>.</summary>
public sealed class AgentOpsStorageOptions
{
    public const string Section = "AgentOps:Storage";

    /// <summary>Storage provider for grain state, reminders and clustering.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Postgres;

    /// <summary>PostgreSQL connection string (setting <c>AgentOps:Postgres</c>).</summary>
    [Redact]
    public string? ConnectionString { get; set; }

    /// <summary>Apply the project's schema scripts at silo start (idempotent, checksummed).</summary>
    public bool ApplySchema { get; set; } = true;
}
