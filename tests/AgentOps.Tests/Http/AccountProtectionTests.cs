using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentOps.Tests.Infrastructure;

namespace AgentOps.Tests.Http;

/// <summary>Password guessing is throttled and accounts cannot be enumerated (issue 9, item 5).</summary>
[Collection(GuardedWebAppCollection.Name)]
public sealed class AccountProtectionTests(GuardedWebAppFixture app)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private async Task<string> NewAccountAsync(string password)
    {
        var email = $"guarded-{Guid.NewGuid():N}@customer.com";
        var registered = await app.From(GuardedWebAppFixture.NewIp()).PostAsJsonAsync("/store/auth/register", new { email, password, name = "Guarded" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        return email;
    }

    /// <summary>A login from an address of its own, so that only the account lockout can refuse it.</summary>
    private Task<HttpResponseMessage> LoginAsync(string email, string password) =>
        app.From(GuardedWebAppFixture.NewIp()).PostAsJsonAsync("/store/auth/login", new { email, password });

    private static async Task<JsonElement> AssertRateLimitedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("rate_limit.exceeded", error.GetProperty("error_code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("request_id").GetString()));
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "429 carries Retry-After");
        return error;
    }

    [Fact]
    public async Task Sign_in_attempts_from_one_address_are_limited_on_both_login_endpoints()
    {
        var ip = GuardedWebAppFixture.NewIp();
        var client = app.From(ip);
        for (var i = 0; i < GuardedWebAppFixture.LoginPermitLimit; i++)
        {
            var refused = await client.PostAsJsonAsync("/store/auth/login", new { email = $"nobody-{i}-{Guid.NewGuid():N}@example.com", password = "guess123" });
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        await AssertRateLimitedAsync(await client.PostAsJsonAsync("/store/auth/login", new { email = "admin@bookstore.com", password = "admin123" }));
        await AssertRateLimitedAsync(await client.PostAsync("/account/login", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["email"] = "admin@bookstore.com", ["password"] = "admin123" })));

        // Another address is not affected.
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("admin@bookstore.com", "admin123")).StatusCode);
    }

    [Fact]
    public async Task Registrations_from_one_address_are_limited()
    {
        var client = app.From(GuardedWebAppFixture.NewIp());
        for (var i = 0; i < GuardedWebAppFixture.RegisterPermitLimit; i++)
        {
            var created = await client.PostAsJsonAsync("/store/auth/register", new { email = $"bulk-{Guid.NewGuid():N}@customer.com", password = "bulk1234" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        await AssertRateLimitedAsync(await client.PostAsJsonAsync("/store/auth/register", new { email = $"bulk-{Guid.NewGuid():N}@customer.com", password = "bulk1234" }));
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_for_login_and_basic_until_the_backoff_passes()
    {
        var email = await NewAccountAsync("right-password");
        for (var i = 0; i < GuardedWebAppFixture.LockoutThreshold; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(email, $"wrong-{i}")).StatusCode);
        }

        // Locked: even the right password is refused, on every way in, whichever address it comes from.
        var locked = await AssertRateLimitedAsync(await LoginAsync(email, "right-password"));
        Assert.Contains("failed sign-ins", locked.GetProperty("message").GetString());
        await AssertRateLimitedAsync(await app.As(email, "right-password").GetAsync("/store/orders"));

        // The lock lasts LockoutDuration (3 s here, long enough that a stalled machine still sees both refusals); then the
        // right password works again.
        await Scenario.EventuallyAsync(async () => (await LoginAsync(email, "right-password")).StatusCode == HttpStatusCode.OK,
            Patience, "the account unlocks after its backoff");
        Assert.Equal(HttpStatusCode.OK, (await app.As(email, "right-password").GetAsync("/store/orders")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_email_locks_like_a_known_one_so_the_lock_reveals_nothing()
    {
        var email = $"never-registered-{Guid.NewGuid():N}@customer.com";
        for (var i = 0; i < GuardedWebAppFixture.LockoutThreshold; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(email, $"wrong-{i}")).StatusCode);
        }

        await AssertRateLimitedAsync(await LoginAsync(email, "anything"));
    }

    [Fact]
    public async Task An_unknown_email_costs_one_password_hash_check_like_a_known_one()
    {
        var known = await NewAccountAsync("known-password");

        var before = app.Hasher.Verifications;
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(known, "wrong-password")).StatusCode);
        Assert.Equal(before + 1, app.Hasher.Verifications);

        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync($"unknown-{Guid.NewGuid():N}@customer.com", "wrong-password")).StatusCode);
        Assert.Equal(before + 2, app.Hasher.Verifications);
    }

    [Fact]
    public async Task Registering_an_existing_email_answers_exactly_like_a_new_one_and_changes_nothing()
    {
        var email = $"twice-{Guid.NewGuid():N}@customer.com";
        var client = app.From(GuardedWebAppFixture.NewIp());
        var hashesBefore = app.Hasher.Hashes;
        var first = await client.PostAsJsonAsync("/store/auth/register", new { email, password = "first-password", name = "Twice" });
        var second = await client.PostAsJsonAsync("/store/auth/register", new { email, password = "second-password", name = "Twice" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(first.StatusCode, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        // Both answers cost a password hash, so the time taken does not tell them apart either.
        Assert.Equal(hashesBefore + 2, app.Hasher.Hashes);

        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(email, "first-password")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(email, "second-password")).StatusCode);

        // An admin's address answers like a customer's new account, and the admin keeps their password and role.
        var admin = await app.From(GuardedWebAppFixture.NewIp()).PostAsJsonAsync("/store/auth/register", new { email = "admin@bookstore.com", password = "taken-over" });
        Assert.Equal(HttpStatusCode.Created, admin.StatusCode);
        Assert.Equal("CUSTOMER", (await admin.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("role").GetString());
        var signedIn = await LoginAsync("admin@bookstore.com", "admin123");
        Assert.Equal("STORE_ADMIN", (await signedIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("role").GetString());
    }
}
