using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Playwright;

namespace AgentOps.Tests.Ui;

/// <summary>
/// The original project's bookstore UI, reduced to its calls and field reads (OriginalClients/), served on the
/// front door's own origin and driven in headless Chromium: purchase, my orders, warehouses, info, a wrong password.
/// </summary>
public sealed class OriginalClientsBrowserTests : IAsyncLifetime
{
    private const string PagePath = "/original-clients/index.html";

    private readonly UiApp _app = new(builder => builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ServeOriginalClientPage>()));

    public async Task InitializeAsync() => await _app.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_original_bookstore_pages_purchase_list_orders_show_warehouses_and_info_and_report_a_wrong_password()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await SystemChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = _app.BaseUrl });
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(PagePath);

        // Bob, the original's demo customer, signs in (kept locally) and buys a book from the catalog.
        await SignInAsync(page, "bob@customer.com", "bob123");
        await ShowAsync(page, "#nav-catalog");
        var gatsby = page.Locator("[data-testid=book]").Filter(new LocatorFilterOptions { HasText = "The Great Gatsby" });
        Assert.Equal("1925", await gatsby.Locator("[data-testid=book-year]").InnerTextAsync());
        await ShowAsync(page, gatsby.Locator("[data-testid=buy]"));
        Assert.Equal("$10.99", await page.InnerTextAsync("[data-testid=purchase-total]"));

        await ShowAsync(page, "#nav-orders");
        var order = page.Locator("[data-testid=order]");
        Assert.Equal(1, await order.CountAsync());
        Assert.Equal("$10.99", await order.Locator("[data-testid=order-total]").InnerTextAsync());
        var created = await order.Locator("[data-testid=order-date]").InnerTextAsync();
        Assert.DoesNotContain("Invalid Date", created);
        Assert.Contains(DateTime.Now.Year.ToString(System.Globalization.CultureInfo.InvariantCulture), created);
        var item = order.Locator("[data-testid=order-item]");
        Assert.Equal("The Great Gatsby × 1 @ $10.99", await item.InnerTextAsync());
        Assert.True(Guid.TryParse(await item.GetAttributeAsync("data-item-id"), out _));

        // A mistyped password: the request ends at once with the server's message, and no sign-in dialog is asked for.
        await SignInAsync(page, "bob@customer.com", "bob12", expectError: true);
        var error = page.Locator("[data-testid=error]");
        Assert.Equal("401", await error.GetAttributeAsync("data-status"));
        Assert.Equal("E-mail or password is wrong.", await error.InnerTextAsync());
        Assert.Equal("", await error.GetAttributeAsync("data-challenge"));

        // The admin's warehouses page and a warehouse's info page.
        (await _app.Admin.PostAsync("/store/warehouses/health-check", null)).EnsureSuccessStatusCode();
        await SignInAsync(page, "admin@bookstore.com", "admin123");
        await ShowAsync(page, "#nav-warehouses");
        var alpha = page.Locator("[data-testid=warehouse][data-name=alpha]");
        var lastSeen = await alpha.Locator("[data-testid=last-seen]").InnerTextAsync();
        Assert.DoesNotContain("Invalid Date", lastSeen);
        Assert.Contains(DateTime.Now.Year.ToString(System.Globalization.CultureInfo.InvariantCulture), lastSeen);
        await ShowAsync(page, alpha.Locator("[data-testid=info]"));
        Assert.Equal("active", await page.InnerTextAsync("[data-testid=info-status]"));
        Assert.Equal("connected to http://localhost:8080/store", await page.InnerTextAsync("[data-testid=info-connection]"));
    }

    private static async Task SignInAsync(IPage page, string email, string password, bool expectError = false)
    {
        await page.FillAsync("input[name=email]", email);
        await page.FillAsync("input[name=password]", password);
        await SettleAsync(page, page.ClickAsync("button[type=submit]"), $"signing in as {email}", expectError);
    }

    private static Task ShowAsync(IPage page, string selector) => SettleAsync(page, page.ClickAsync(selector), $"clicking {selector}", expectError: false);

    private static Task ShowAsync(IPage page, ILocator button) => SettleAsync(page, button.ClickAsync(), $"clicking {button}", expectError: false);

    /// <summary>Waits until the page has rendered its view or shown an error (every click starts afresh), then checks which.</summary>
    private static async Task SettleAsync(IPage page, Task click, string step, bool expectError)
    {
        await click;
        try
        {
            await page.Locator("[data-testid=view][data-loaded], [data-testid=error][data-status]").First
                .WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 10_000 });
        }
        catch (TimeoutException)
        {
            // As a request held for the browser's own sign-in dialog (WWW-Authenticate on wrong credentials) does.
            Assert.Fail($"The page did not settle within 10 s after {step}.");
        }
        var status = await page.Locator("[data-testid=error]").GetAttributeAsync("data-status");
        if (expectError) Assert.NotNull(status);
        else Assert.True(status is null, $"The page failed ({status}): {await page.InnerTextAsync("[data-testid=error]")}");
    }

    /// <summary>Serves OriginalClients/ under /original-clients, ahead of the app's own pipeline (same origin: no CORS).</summary>
    private sealed class ServeOriginalClientPage : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "Ui", "OriginalClients")),
                RequestPath = "/original-clients",
            });
            next(app);
        };
    }
}
