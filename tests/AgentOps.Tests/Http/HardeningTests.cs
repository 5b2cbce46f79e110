using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentOps.Tests.Infrastructure;

namespace AgentOps.Tests.Http;

/// <summary>Idempotency keys, look-alike identities and the metrics endpoint (issue 9, item 6).</summary>
[Collection(WebAppCollection.Name)]
public sealed class HardeningTests(WebAppFixture app)
{
    private async Task<(string Gatsby, string Hobbit)> BooksAsync()
    {
        var books = await app.CreateClient().GetFromJsonAsync<JsonElement>("/store/books");
        string Id(string title) => books.EnumerateArray().Single(b => b.GetProperty("title").GetString() == title).GetProperty("id").GetString()!;
        return (Id("The Great Gatsby"), Id("The Hobbit"));
    }

    private async Task<HttpResponseMessage> PlaceAsync(string key, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/store/orders") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        return await app.Alice().SendAsync(request);
    }

    [Fact]
    public async Task An_idempotency_key_reused_with_a_different_order_is_422_and_the_first_order_stands()
    {
        var (gatsby, hobbit) = await BooksAsync();
        var key = $"key-{Guid.NewGuid():N}";
        var first = await PlaceAsync(key, $$"""{"items":[{"bookId":"{{gatsby}}","quantity":1},{"bookId":"{{hobbit}}","quantity":1}]}""");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var order = await first.Content.ReadFromJsonAsync<JsonElement>();

        // The same order written differently (spacing, item order) is the same request: the same order comes back.
        var again = await PlaceAsync(key, $$"""{ "items": [ {"quantity":1, "bookId":"{{hobbit}}"}, {"bookId":"{{gatsby}}","quantity":1} ] }""");
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(order.GetProperty("id").GetString(), (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());

        foreach (var different in new[]
        {
            $$"""{"items":[{"bookId":"{{gatsby}}","quantity":2},{"bookId":"{{hobbit}}","quantity":1}]}""",
            $$"""{"items":[{"bookId":"{{gatsby}}","quantity":1}]}""",
            $$$"""{"items":[{"bookId":"{{{gatsby}}}","quantity":1},{"bookId":"{{{hobbit}}}","quantity":1}],"payment":{"method":"card","amount":{{{order.GetProperty("total_amount").GetDecimal()}}}}}""",
        })
        {
            var reused = await PlaceAsync(key, different);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
            Assert.Equal("validation.idempotency_key_reused", (await reused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());
        }
        var stored = await app.Alice().GetFromJsonAsync<JsonElement>($"/store/orders/{order.GetProperty("id").GetString()}");
        Assert.Equal(2, stored.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("ａlice@customer.com")]      // fullwidth a
    [InlineData("ALICE@CUSTOMER.COM")]
    [InlineData(" alice@customer.com ")]
    public async Task Look_alike_spellings_of_an_email_are_the_same_account(string spelling)
    {
        var login = await app.CreateClient().PostAsJsonAsync("/store/auth/login", new { email = spelling, password = "alice123" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("alice@customer.com", (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("email").GetString());

        // Registering it answers like any registration and creates no second account.
        var registered = await app.CreateClient().PostAsJsonAsync("/store/auth/register", new { email = spelling, password = "look-alike" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal("alice@customer.com", (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("email").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsJsonAsync("/store/auth/login", new { email = spelling, password = "look-alike" })).StatusCode);
    }

    [Theory]
    [InlineData("bob@customer.com.", null)]
    [InlineData("bob.@customer.com", null)]
    [InlineData("\u202ebob@customer.com", null)]
    [InlineData("bob\u200b@customer.com", null)]
    [InlineData("b\u043eb@customer.com", null)]          // Cyrillic o
    [InlineData("bob-{0}@customer.com", "Bob\u202eevil")]
    [InlineData("bob-{0}@customer.com", "Bob\u0007")]
    [InlineData("bob-{0}@customer.com", "Bob\nSmith")]
    public async Task Emails_and_names_with_trailing_dots_control_bidi_or_foreign_look_alike_characters_are_refused(string email, string? name)
    {
        var response = await app.CreateClient().PostAsJsonAsync("/store/auth/register",
            new { email = string.Format(System.Globalization.CultureInfo.InvariantCulture, email, Guid.NewGuid().ToString("N")), password = "secret12", name });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(name is null ? "validation.invalid_email" : "validation.invalid_name",
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task Metrics_without_a_configured_token_are_served_to_loopback_only()
    {
        // The test server's requests come from no address at all: not loopback.
        var response = await app.CreateClient().GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("auth.forbidden", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Admin().GetAsync("/metrics")).StatusCode);
    }
}
