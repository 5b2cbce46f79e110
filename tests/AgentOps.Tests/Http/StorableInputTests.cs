using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentOps.Tests.Infrastructure;

namespace AgentOps.Tests.Http;

/// <summary>
/// Text PostgreSQL cannot hold (NUL, unpaired surrogates) is a 400 at the door. Issue 9: a prompt ending in \u0000
/// answered 503 after 30 s while its journal INSERT was retried ~870 times a second.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class StorableInputTests(WebAppFixture app)
{
    [Theory]
    [InlineData("reconcile inventory\\u0000")]
    [InlineData("reconcile\\u0000 inventory")]
    public async Task A_prompt_with_characters_storage_cannot_hold_is_refused_at_once_and_starts_no_run(string escapedPrompt)
    {
        using var customer = await NewCustomerAsync();
        var started = DateTime.UtcNow;

        var response = await customer.PostAsync("/agents/runs",
            new StringContent($"{{\"prompt\":\"{escapedPrompt}\"}}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation.invalid_characters", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "refused at the door, not after a timeout");
        var runs = await customer.GetFromJsonAsync<JsonElement>("/agents/runs");
        Assert.Equal(0, runs.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_NUL_in_any_JSON_field_is_refused_before_it_reaches_a_grain()
    {
        var response = await app.CreateClient().PostAsync("/store/auth/register", new StringContent(
            "{\"email\":\"nul@example.com\",\"password\":\"secret123\",\"name\":\"Nul\\u0000Name\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation.invalid_characters", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());
        var login = await app.CreateClient().PostAsJsonAsync("/store/auth/login", new { email = "nul@example.com", password = "secret123" });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task A_NUL_in_the_query_is_refused()
    {
        // (Kestrel itself refuses a NUL in the path.)
        var response = await app.CreateClient().GetAsync("/store/books?search=a%00b");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation.invalid_characters", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());
    }

    private async Task<HttpClient> NewCustomerAsync()
    {
        var email = $"nul-{Guid.NewGuid():N}@example.com";
        var register = await app.CreateClient().PostAsJsonAsync("/store/auth/register", new { email, password = "secret123", name = "Nul Tester" });
        Assert.True(register.IsSuccessStatusCode, await register.Content.ReadAsStringAsync());
        return app.As(email, "secret123");
    }
}
