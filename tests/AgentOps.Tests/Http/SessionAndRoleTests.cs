using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.RegularExpressions;
using AgentOps.Tests.Infrastructure;
using AgentOps.Users;
using AgentOps.Web.Auth;
using AgentOps.Web.Bookstore;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AgentOps.Tests.Http;

/// <summary>Operator pages are for admins only, and password or role changes reach every session quickly (issue 9, item 6).</summary>
[Collection(GuardedWebAppCollection.Name)]
public sealed partial class SessionAndRoleTests(GuardedWebAppFixture app)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private async Task<string> NewAccountAsync(string password)
    {
        var email = $"session-{Guid.NewGuid():N}@customer.com";
        var registered = await app.From(GuardedWebAppFixture.NewIp()).PostAsJsonAsync("/store/auth/register", new { email, password });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        return email;
    }

    /// <summary>Signs in through the UI's form (antiforgery token and all); the client then holds the session cookie.</summary>
    private async Task<HttpClient> SignInAsync(string email, string password)
    {
        var browser = app.From(GuardedWebAppFixture.NewIp(), new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await browser.GetStringAsync("/login");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        var signedIn = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email, ["password"] = password, ["returnUrl"] = "/runs", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/runs", signedIn.Headers.Location?.OriginalString);
        return browser;
    }

    private static async Task<bool> SentToLoginAsync(HttpClient browser, string path)
    {
        var response = await browser.GetAsync(path);
        return response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.AbsolutePath() == "/login";
    }

    private Task SetRoleAsync(string email, string role) =>
        app.Admin().PutAsJsonAsync($"/store/users/{email}/role", new { role }).ContinueWith(t => Assert.Equal(HttpStatusCode.OK, t.Result.StatusCode));

    [Fact]
    public async Task Customers_cannot_open_the_warehouse_and_inventory_pages_nor_see_their_links()
    {
        var customer = await SignInAsync(await NewAccountAsync("customer1"), "customer1");
        Assert.True(await SentToLoginAsync(customer, "/bookstore/warehouses"), "a customer is sent away from warehouses");
        Assert.True(await SentToLoginAsync(customer, "/bookstore/inventory"), "a customer is sent away from inventory");
        var runs = await customer.GetStringAsync("/runs");
        Assert.DoesNotContain("/bookstore/warehouses", runs);
        Assert.DoesNotContain("/bookstore/inventory", runs);
        Assert.Contains("/bookstore/orders", runs);

        var admin = await SignInAsync("admin@bookstore.com", "admin123");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/bookstore/warehouses")).StatusCode);
        Assert.Contains("/bookstore/inventory", await admin.GetStringAsync("/runs"));

        // The service behind the pages refuses as well, whatever a page shows.
        var service = new BookstoreUiService(app.Services.GetRequiredService<IClusterClient>(), new FixedAuthentication(Customer()));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(service.WarehousesAsync);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(service.InventoryAsync);
    }

    [Fact]
    public async Task A_changed_password_ends_cached_basic_credentials_at_once_and_ui_sessions_within_the_interval()
    {
        var email = await NewAccountAsync("old-password");
        var basic = app.As(email, "old-password");
        Assert.Equal(HttpStatusCode.OK, (await basic.GetAsync("/store/orders")).StatusCode);
        var browser = await SignInAsync(email, "old-password");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/runs")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await basic.PostAsJsonAsync("/store/auth/password", new { new_password = "new-password" })).StatusCode);

        // The old credential was verified a moment ago and is cached: it still stops working at once.
        Assert.Equal(HttpStatusCode.Unauthorized, (await basic.GetAsync("/store/orders")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.As(email, "new-password").GetAsync("/store/orders")).StatusCode);
        await Scenario.EventuallyAsync(() => SentToLoginAsync(browser, "/runs"), Patience, "the UI session ends after the password change");
    }

    [Fact]
    public async Task A_password_changed_through_another_web_process_ends_cached_basic_credentials_within_the_stamp_interval()
    {
        var email = await NewAccountAsync("elsewhere1");
        var basic = app.As(email, "elsewhere1");
        Assert.Equal(HttpStatusCode.OK, (await basic.GetAsync("/store/orders")).StatusCode);   // verifies and caches the credential
        Assert.Equal(HttpStatusCode.OK, (await basic.GetAsync("/store/orders")).StatusCode);   // reads and keeps the stamp
        var stampReadAt = Stopwatch.GetTimestamp();

        // Another web process changes it: straight at the user grain, so this process is not told and reuses its stamp.
        var changed = await app.Services.GetRequiredService<IClusterClient>().GetGrain<IUserGrain>(email).ChangePasswordAsync("elsewhere2");
        Assert.Null(changed.Error);
        var interval = GuardedWebAppFixture.StampRecheckInterval;
        var stillCached = (await basic.GetAsync("/store/orders")).StatusCode;
        Assert.True(Stopwatch.GetElapsedTime(stampReadAt) < interval, "the request after the change came too late to meet the reused stamp");
        Assert.Equal(HttpStatusCode.OK, stillCached);

        await Scenario.EventuallyAsync(async () => (await basic.GetAsync("/store/orders")).StatusCode == HttpStatusCode.Unauthorized, Patience,
            "the old password stops working once the reused stamp is due for a recheck");
        Assert.True(Stopwatch.GetElapsedTime(stampReadAt) < interval + TimeSpan.FromSeconds(5),
            $"the old password worked {Stopwatch.GetElapsedTime(stampReadAt)} after the stamp was read; it is rechecked every {interval}");
        Assert.Equal(HttpStatusCode.OK, (await app.As(email, "elsewhere2").GetAsync("/store/orders")).StatusCode);
    }

    [Fact]
    public async Task A_role_change_applies_to_basic_at_once_and_to_ui_sessions_within_the_interval()
    {
        var email = await NewAccountAsync("promoted1");
        var basic = app.As(email, "promoted1");
        Assert.Equal(HttpStatusCode.Forbidden, (await basic.GetAsync("/store/warehouses")).StatusCode);

        await SetRoleAsync(email, "STORE_ADMIN");
        Assert.Equal(HttpStatusCode.OK, (await basic.GetAsync("/store/warehouses")).StatusCode);
        var browser = await SignInAsync(email, "promoted1");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/bookstore/warehouses")).StatusCode);

        await SetRoleAsync(email, "CUSTOMER");
        Assert.Equal(HttpStatusCode.Forbidden, (await basic.GetAsync("/store/warehouses")).StatusCode);
        await Scenario.EventuallyAsync(() => SentToLoginAsync(browser, "/bookstore/warehouses"), Patience, "the demoted admin's UI session loses the admin pages");
    }

    [Fact]
    public async Task Role_changes_need_an_admin_and_a_known_role()
    {
        var email = await NewAccountAsync("someone1");
        Assert.Equal(HttpStatusCode.Forbidden, (await app.As(email, "someone1").PutAsJsonAsync($"/store/users/{email}/role", new { role = "STORE_ADMIN" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Admin().PutAsJsonAsync($"/store/users/{email}/role", new { role = "ROOT" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Admin().PutAsJsonAsync("/store/users/nobody-here@customer.com/role", new { role = "CUSTOMER" })).StatusCode);
    }

    private static ClaimsPrincipal Customer() => new(new ClaimsIdentity(
        [new Claim(AgentOpsClaims.UserId, Guid.NewGuid().ToString()), new Claim(AgentOpsClaims.Email, "c@customer.com"), new Claim(AgentOpsClaims.Role, RoleNames.Customer)],
        AuthSchemes.Cookie, AgentOpsClaims.Email, AgentOpsClaims.Role));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    private sealed class FixedAuthentication(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}

internal static class UriPaths
{
    /// <summary>The path of a Location header, relative or absolute.</summary>
    public static string AbsolutePath(this Uri location) => location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0];
}
