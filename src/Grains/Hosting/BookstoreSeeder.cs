using System.Collections.Immutable;
using AgentOps.Catalog;
using AgentOps.Common;
using AgentOps.Inventory;
using AgentOps.Users;
using AgentOps.Warehouses;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentOps.Hosting;

/// <summary>
/// Writes the seed data on start-up. Every step is idempotent (fixed ids, add-if-missing), so every silo
/// may run it on every start; it also makes sure the health-check and reconciliation reminders exist.
/// </summary>
public sealed class BookstoreSeeder(
    IGrainFactory grains,
    IOptions<SeedOptions> options,
    IOptions<WarehouseHostingOptions> hosting,
    TimeProvider clock,
    ILogger<BookstoreSeeder> logger)
{
    public static readonly ImmutableArray<NewUser> Users =
    [
        new("admin@bookstore.com", "admin123", "Store Admin", UserRole.StoreAdmin, null),
        // The second admin, so that a two-person approval can be tried out of the box (SPEC section 8).
        new("ops@bookstore.com", "ops123", "Ops Admin", UserRole.StoreAdmin, null),
        new("alice@customer.com", "alice123", "Alice", UserRole.Customer, null),
        new("bob@customer.com", "bob123", "Bob", UserRole.Customer, null),
        new("staff@warehouse-alpha.com", "staff123", "Alpha Staff", UserRole.WarehouseStaff, "alpha"),
        new("staff@warehouse-beta.com", "staff123", "Beta Staff", UserRole.WarehouseStaff, "beta"),
    ];

    private const int SeedAttempts = 6;

    /// <summary>
    /// Seeds, trying again (a bounded number of times, with a growing pause) when storage fails underneath, so that a
    /// silo starting while PostgreSQL restarts or drops a connection does not abort: the fault harness saw silos exit
    /// with code 134 that way. Every step is idempotent, so a repeat only finishes what the failed attempt began.
    /// </summary>
    public async Task SeedWithRetriesAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SeedAsync(cancellationToken);
                return;
            }
            catch (Exception e) when (attempt < SeedAttempts && e is not SeedDataException && !cancellationToken.IsCancellationRequested)
            {
                var pause = TimeSpan.FromSeconds(Math.Pow(2, attempt - 1));
                logger.LogWarning(e, "Seeding failed (attempt {Attempt} of {Attempts}); trying again in {Pause}", attempt, SeedAttempts, pause);
                await Task.Delay(pause, clock, cancellationToken);
            }
        }
    }

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        var seed = options.Value;
        if (seed.Enabled)
        {
            var books = SeedCatalog.Books(seed.Books, clock.GetUtcNow());
            var added = await grains.GetGrain<ICatalogGrain>(0).SeedAsync(books);

            if (seed.SeedUsers)
            {
                foreach (var user in Users)
                {
                    var result = await grains.GetGrain<IUserGrain>(UserRules.NormalizeEmail(user.Email)).RegisterAsync(user);
                    if (result.Error is { Kind: not ErrorKind.Conflict } error)
                        throw new SeedDataException($"Seeding user {user.Email} failed: {error.Message}");
                }
            }

            var stock = books.Select(b => new StockLine(b.Id, seed.InitialStock)).ToImmutableArray();
            var registry = grains.GetGrain<IWarehouseRegistryGrain>(0);
            foreach (var warehouse in seed.Warehouses.Select(WarehouseNames.Normalize))
            {
                // Large catalogs go in slices so that no single message carries 10,000 lines.
                foreach (var chunk in stock.Chunk(2000))
                {
                    await grains.GetGrain<IWarehouseGrain>(warehouse).SeedStockAsync([.. chunk]);
                }
                if (await registry.GetAsync(warehouse) is null)
                {
                    await registry.RegisterAsync(warehouse, $"{hosting.Value.PublicUrl.TrimEnd('/')}/warehouses/{warehouse}");
                }
            }
            logger.LogInformation("Seed data checked: {Books} books ({Added} new), {Warehouses} warehouses", books.Length, added, seed.Warehouses.Length);
        }

        await grains.GetGrain<IWarehouseRegistryGrain>(0).EnsureStartedAsync();
        await grains.GetGrain<IReconciliationGrain>(0).EnsureStartedAsync();
        await grains.GetGrain<AgentOps.Orders.IOrderSweeperGrain>(0).EnsureStartedAsync();
        await grains.GetGrain<AgentOps.Agents.IRunSweeperGrain>(0).EnsureStartedAsync();
    }
}

/// <summary>The seed data itself is refused (not storage failing): trying again would not help.</summary>
public sealed class SeedDataException(string message) : Exception(message);
