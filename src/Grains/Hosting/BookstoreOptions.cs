namespace AgentOps.Hosting;

/// <summary>Periods, timeouts and limits of the bookstore. Section <c>AgentOps:Bookstore</c>.</summary>
public sealed class BookstoreOptions
{
    public const string Section = "AgentOps:Bookstore";

    /// <summary>How often every registered warehouse is pinged.</summary>
    public TimeSpan HealthCheckPeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A ping slower than this marks the warehouse OFFLINE.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the inventory cache is reconciled with every HEALTHY warehouse.</summary>
    public TimeSpan ReconciliationPeriod { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>How often a PENDING order interrupted by a crash is driven on.</summary>
    public TimeSpan OrderResumePeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an order waits for one warehouse's answer before trying again later.</summary>
    public TimeSpan ShipmentTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Delay added by an injected <c>slow</c> fault when none is given.</summary>
    public TimeSpan SlowFaultDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a warehouse remembers the id of a stock-changing operation (an agent's set_stock call), so that the
    /// same call sent again is answered instead of applied again. Longer than any run waits for an approval.
    /// </summary>
    public TimeSpan OperationRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How often the inventory cache writes its changes to storage. The cache is rebuilt from the warehouses whenever a
    /// shard activates, so the stored copy only serves reads until that read-back is done; each write is the shard's
    /// whole state (~160 KB with 10,000 books), which at 1 s was eight large writes a second under load.
    /// </summary>
    public TimeSpan CacheFlushPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Different books in one order.</summary>
    public int MaxOrderLines { get; set; } = 50;

    /// <summary>Copies of one book in one order.</summary>
    public int MaxQuantityPerLine { get; set; } = 1000;

    /// <summary>Largest stock level a warehouse accepts for one book.</summary>
    public int MaxStockPerBook { get; set; } = 1_000_000;

    /// <summary>Ops events kept (oldest dropped first).</summary>
    public int OpsEventCapacity { get; set; } = 5000;
}
