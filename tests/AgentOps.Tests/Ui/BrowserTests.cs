using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace AgentOps.Tests.Ui;

/// <summary>The whole product in a real headless Chromium: sign in, see an approval arrive live, approve it, watch the run complete.</summary>
public sealed class BrowserTests : IAsyncLifetime
{
    private readonly UiApp _app = new();

    public async Task InitializeAsync() => await _app.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_admin_sees_a_pending_approval_arrive_live_approves_it_and_sees_the_run_complete()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await SystemChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 }, BaseURL = _app.BaseUrl });
        page.SetDefaultTimeout(30_000);

        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/login**");
        await page.FillAsync("input[name=email]", "admin@bookstore.com");
        await page.FillAsync("input[name=password]", "admin123");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("[data-testid=inbox-empty]");
        Assert.Contains("admin@bookstore.com", await page.InnerTextAsync("[data-testid=signed-in-user]"));

        // With the inbox open, a warehouse goes down and an agent is asked to fix it.
        var warehouse = await _app.OfflineWarehouseAsync();
        var runId = await _app.StartRunAsync($"Warehouse {warehouse} is offline. Investigate and bring it back online.");

        var card = page.Locator("[data-testid=approval]").Filter(new LocatorFilterOptions { HasText = warehouse });
        await card.WaitForAsync();
        Assert.Equal("restart_warehouse", await card.Locator("[data-testid=approval-tool]").InnerTextAsync());
        await Screenshots.SaveAsync(page, "ui-inbox.png");

        await card.Locator("[data-testid=approve]").ClickAsync();
        await page.ClickAsync("button.confirm-decision");
        await card.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });

        await page.GotoAsync($"/runs/{runId}");
        await page.Locator("[data-testid=run-summary]").WaitForAsync();
        Assert.Equal("completed", await page.Locator("[data-testid=status-chip]").First.InnerTextAsync());
        Assert.StartsWith("warehouse-ops finished:", await page.InnerTextAsync("[data-testid=run-summary]"));
        await page.Locator($"[data-child-run] .timeline-entry[data-type=RUN_RESUMED]").WaitForAsync();
        Assert.Contains("approved by admin@bookstore.com", await page.Locator("[data-child-run] .timeline-entry[data-type=RUN_RESUMED]").InnerTextAsync());
        await Screenshots.SaveAsync(page, "ui-run.png");

        var run = await _app.Admin.GetFromJsonAsync<JsonElement>($"/agents/runs/{runId}");
        Assert.Equal("completed", run.GetProperty("status").GetString());

        // Every other page renders its content for the admin.
        foreach (var (path, title, content) in new[]
        {
            ("/runs", "Runs", "[data-testid=run-link]"),
            ("/tasks/new", "New task", ".task-prompt"),
            ("/bookstore/warehouses", "Warehouses", "[data-testid=health]"),
            ("/bookstore/inventory", "Inventory", "table"),
            ("/bookstore/orders", "Orders", "[data-testid=page-title]"),
            ("/bookstore/catalog", "Catalog", "table"),
        })
        {
            await page.GotoAsync(path);
            await page.Locator(content).First.WaitForAsync();
            Assert.Equal(title, await page.InnerTextAsync("[data-testid=page-title]"));
            if (path == "/runs")
            {
                // People by name and e-mail, never by id: the admin started runs in this app.
                // Waited for, not read at once: the table renders again when the circuit takes over from the prerender.
                var requester = page.Locator("[data-testid=run-requester]").Filter(new LocatorFilterOptions { HasText = "(admin@bookstore.com)" }).First;
                await requester.WaitForAsync();
                Assert.EndsWith("(admin@bookstore.com)", (await requester.InnerTextAsync()).Trim(), StringComparison.Ordinal);
            }
        }
    }
}
