using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentOps.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
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
        var chromium = Environment.GetEnvironmentVariable("AGENTOPS_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"Chromium is needed for this test and was not found at {chromium} (./test.sh installs Debian's chromium).");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
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
        await Screenshot(page, "ui-inbox.png");

        await card.Locator("[data-testid=approve]").ClickAsync();
        await page.ClickAsync("button.confirm-decision");
        await card.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });

        await page.GotoAsync($"/runs/{runId}");
        await page.Locator("[data-testid=run-summary]").WaitForAsync();
        Assert.Equal("completed", await page.Locator("[data-testid=status-chip]").First.InnerTextAsync());
        Assert.StartsWith("warehouse-ops finished:", await page.InnerTextAsync("[data-testid=run-summary]"));
        await page.Locator($"[data-child-run] .timeline-entry[data-type=RUN_RESUMED]").WaitForAsync();
        Assert.Contains("approved by admin@bookstore.com", await page.Locator("[data-child-run] .timeline-entry[data-type=RUN_RESUMED]").InnerTextAsync());
        await Screenshot(page, "ui-run.png");

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
        }
    }

    /// <summary>Screenshots go where AGENTOPS_SCREENSHOTS says (docs/ when refreshing them), else next to the test results.</summary>
    private static async Task Screenshot(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("AGENTOPS_SCREENSHOTS") is { Length: > 0 } configured
            ? configured : Path.Combine(Path.GetTempPath(), "agentops-screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), FullPage = false });
    }

    /// <summary>The real Program on Kestrel (a browser needs a socket), co-hosting a silo on a throwaway database.</summary>
    private sealed class UiApp : WebApplicationFactory<Program>
    {
        private string _connectionString = "";
        private readonly int _port = TestPorts.Free();

        public string BaseUrl => $"http://127.0.0.1:{_port}";

        public HttpClient Admin { get; private set; } = null!;

        public async Task StartAsync()
        {
            _connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("ui");
            UseKestrel(_port);
            StartServer();
            Admin = new HttpClient { BaseAddress = new Uri(BaseUrl) };
            Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin@bookstore.com:admin123")));
            (await Admin.GetAsync("/health")).EnsureSuccessStatusCode();
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("AgentOps:Postgres", _connectionString);
            builder.UseSetting("AgentOps:Cluster:Membership", "Localhost");
            builder.UseClusterTls();
            builder.UseSetting("AgentOps:Cluster:ClusterId", $"ui-{Guid.NewGuid():N}");
            builder.UseSetting("AgentOps:Cluster:SiloPort", TestPorts.Free().ToString());
            builder.UseSetting("AgentOps:Cluster:GatewayPort", TestPorts.Free().ToString());
            builder.UseSetting("AgentOps:Security:BcryptWorkFactor", "4");
        }

        public async Task<string> OfflineWarehouseAsync()
        {
            var name = $"w{Guid.NewGuid():N}"[..12];
            using var service = new HttpClient { BaseAddress = new Uri(BaseUrl) };
            service.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AgentOps.Hosting.SecurityOptions.DevelopmentServiceToken);
            (await service.PostAsJsonAsync("/store/warehouses/register", new { name, url = $"{BaseUrl}/warehouses/{name}" })).EnsureSuccessStatusCode();
            (await Admin.PostAsJsonAsync($"/warehouses/{name}/faults", new { type = "offline" })).EnsureSuccessStatusCode();
            return name;
        }

        public async Task<string> StartRunAsync(string prompt)
        {
            var response = await Admin.PostAsJsonAsync("/agents/runs", new { prompt });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }

        public override async ValueTask DisposeAsync()
        {
            Admin?.Dispose();
            await base.DisposeAsync();
        }
    }
}
