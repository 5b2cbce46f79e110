using System.Collections.Immutable;
using System.Security.Claims;
using AgentOps.Catalog;
using AgentOps.Inventory;
using AgentOps.Orders;
using AgentOps.Warehouses;
using AgentOps.Web.Auth;
using Microsoft.AspNetCore.Components.Authorization;

namespace AgentOps.Web.Bookstore;

/// <summary>One warehouse as the UI shows it: registration (health) plus the warehouse's own snapshot.</summary>
public sealed record WarehouseRow(WarehouseRegistration Registration, WarehouseSnapshot? Snapshot);

/// <summary>One book's stock: the cached view per warehouse, and the drift the last reconciliation found.</summary>
public sealed record InventoryRow(Book Book, ImmutableArray<WarehouseStock> Stock, ImmutableArray<InventoryDrift> Drift);

/// <summary>
/// What the Blazor bookstore pages do, through the Orleans client. Warehouses (health, faults), inventory and
/// reconciliation are STORE_ADMIN only, as over HTTP: checked here as well as on the pages.
/// </summary>
public sealed class BookstoreUiService(IClusterClient client, AuthenticationStateProvider authentication)
{
    public async Task<bool> IsAdminAsync() => (await UserAsync()).IsStoreAdmin();

    public Task<ImmutableArray<Book>> BooksAsync() => client.GetGrain<ICatalogGrain>(0).ListAsync(includeInactive: true);

    public async Task<IReadOnlyList<OrderSnapshot>> OrdersAsync(int limit)
    {
        var user = await UserAsync();
        var references = await client.GetGrain<IOrderDirectoryGrain>(0).ListAsync(new OrderQuery(user.IsStoreAdmin() ? null : user.Id(), null, limit, 0));
        return [.. (await Task.WhenAll(references.Select(r => client.GetGrain<IOrderGrain>(r.OrderId).GetAsync()))).OfType<OrderSnapshot>()];
    }

    public async Task<IReadOnlyList<WarehouseRow>> WarehousesAsync()
    {
        if (!await IsAdminAsync()) throw new UnauthorizedAccessException("Only a STORE_ADMIN can see warehouses.");
        var registrations = await client.GetGrain<IWarehouseRegistryGrain>(0).ListAsync();
        var snapshots = await Task.WhenAll(registrations.Select(async r =>
        {
            try
            {
                return await client.GetGrain<IWarehouseGrain>(r.Name).GetSnapshotAsync();
            }
            catch (Exception)
            {
                return null;
            }
        }));
        return [.. registrations.Zip(snapshots, (r, s) => new WarehouseRow(r, s)).OrderBy(w => w.Registration.Name, StringComparer.Ordinal)];
    }

    public async Task<(IReadOnlyList<InventoryRow> Rows, ReconciliationReport? Last)> InventoryAsync()
    {
        if (!await IsAdminAsync()) throw new UnauthorizedAccessException("Only a STORE_ADMIN can see inventory and reconciliation.");
        var books = (await BooksAsync()).ToDictionary(b => b.Id);
        var shards = await Task.WhenAll(Enumerable.Range(0, InventoryShards.Count).Select(i => client.GetGrain<IInventoryCacheGrain>(i).GetAllAsync()));
        var last = await client.GetGrain<IReconciliationGrain>(0).GetLastAsync();
        var drift = last?.Drifts.ToLookup(d => d.BookId);
        var rows = shards.SelectMany(s => s)
            .Where(i => books.ContainsKey(i.BookId))
            .Select(i => new InventoryRow(books[i.BookId], i.Warehouses, drift is null ? [] : [.. drift[i.BookId]]))
            .OrderBy(r => r.Book.Title, StringComparer.Ordinal)
            .ToList();
        return (rows, last);
    }

    public async Task<string?> SetFaultAsync(string warehouse, FaultKind kind)
    {
        var user = await UserAsync();
        if (!user.IsStoreAdmin()) return "Only a STORE_ADMIN can inject faults.";
        await client.GetGrain<IWarehouseGrain>(warehouse).SetFaultAsync(kind, null, Who(user));
        return null;
    }

    public async Task<string?> ClearFaultAsync(string warehouse)
    {
        var user = await UserAsync();
        if (!user.IsStoreAdmin()) return "Only a STORE_ADMIN can clear faults.";
        await client.GetGrain<IWarehouseGrain>(warehouse).ClearFaultAsync(Who(user));
        return null;
    }

    public async Task<string?> CheckHealthAsync()
    {
        if (!await IsAdminAsync()) return "Only a STORE_ADMIN can run health checks.";
        await client.GetGrain<IWarehouseRegistryGrain>(0).CheckHealthAsync();
        return null;
    }

    public async Task<(ReconciliationReport? Report, string? Error)> ReconcileAsync()
    {
        var user = await UserAsync();
        if (!user.IsStoreAdmin()) return (null, "Only a STORE_ADMIN can reconcile inventory.");
        return (await client.GetGrain<IReconciliationGrain>(0).RunAsync($"ui:{Who(user)}"), null);
    }

    private async Task<ClaimsPrincipal> UserAsync() => (await authentication.GetAuthenticationStateAsync()).User;

    private static string Who(ClaimsPrincipal user) => user.FindFirstValue(AgentOpsClaims.Email) ?? "unknown";
}
