namespace AgentOps.Hosting;

/// <summary>Seed data written on first start (idempotent). Section <c>AgentOps:Seed</c>.</summary>
public sealed class SeedOptions
{
    public const string Section = "AgentOps:Seed";

    public bool Enabled { get; set; } = true;

    /// <summary>Books in the catalog: the 10 classics, plus generated ones up to this number (10,000 for load tests).</summary>
    public int Books { get; set; } = 10;

    /// <summary>Warehouses created with stock for every book.</summary>
    public string[] Warehouses { get; set; } = ["alpha", "beta"];

    /// <summary>Initial copies of every book in every seeded warehouse.</summary>
    public int InitialStock { get; set; } = 100;

    /// <summary>Seed the well-known users (BookstoreSeeder.Users) (with the seed's passwords); production refuses this.</summary>
    public bool SeedUsers { get; set; } = true;
}
