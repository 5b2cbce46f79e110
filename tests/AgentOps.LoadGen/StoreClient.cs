using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace AgentOps.LoadGen;

public sealed record BookRef(Guid Id, string Title);

/// <summary>The front door as the load generator uses it: one pooled HttpClient, credentials per request.</summary>
public sealed class StoreClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly AuthenticationHeaderValue _admin;

    public StoreClient(Uri baseUrl, string admin, int concurrency)
    {
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency + 8, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = baseUrl,
            Timeout = TimeSpan.FromSeconds(60),
        };
        _admin = Basic(admin);
    }

    public static AuthenticationHeaderValue Basic(string credentials) => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, AuthenticationHeaderValue? auth,
        CancellationToken cancellationToken = default, (string Name, string Value)[]? headers = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        if (auth is not null) request.Headers.Authorization = auth;
        foreach (var (name, value) in headers ?? []) request.Headers.TryAddWithoutValidation(name, value);
        return _http.SendAsync(request, cancellationToken);
    }

    public async Task<JsonElement> GetJsonAsync(string path, AuthenticationHeaderValue? auth = null)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, auth ?? _admin);
        await EnsureAsync(response, $"GET {path}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> SendJsonAsync(HttpMethod method, string path, object body, AuthenticationHeaderValue? auth = null)
    {
        using var response = await SendAsync(method, path, body, auth ?? _admin);
        await EnsureAsync(response, $"{method} {path}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public AuthenticationHeaderValue Admin => _admin;

    public async Task<List<BookRef>> ActiveBooksAsync()
    {
        var books = new List<BookRef>();
        for (var offset = 0; ; offset += 500)
        {
            var page = await GetJsonAsync($"/store/books?limit=500&offset={offset}");
            books.AddRange(page.EnumerateArray().Select(b => new BookRef(b.GetProperty("id").GetGuid(), b.GetProperty("title").GetString()!)));
            if (page.GetArrayLength() < 500) return books;
        }
    }

    public async Task<List<(string Name, string Status)>> WarehousesAsync() =>
        [.. (await GetJsonAsync("/store/warehouses")).EnumerateArray().Select(w => (w.GetProperty("name").GetString()!, w.GetProperty("status").GetString()!))];

    /// <summary>Stock per (warehouse, book) as the warehouses themselves report it.</summary>
    public async Task<Dictionary<(string Warehouse, Guid Book), long>> StockAsync(IEnumerable<string> warehouses)
    {
        var stock = new Dictionary<(string, Guid), long>();
        foreach (var warehouse in warehouses)
        {
            foreach (var line in (await GetJsonAsync($"/warehouses/{warehouse}/inventory")).EnumerateArray())
            {
                stock[(warehouse, line.GetProperty("bookId").GetGuid())] = line.GetProperty("quantity").GetInt64();
            }
        }
        return stock;
    }

    public async Task SetStockAsync(string warehouse, IReadOnlyList<BookRef> books, int quantity)
    {
        foreach (var chunk in books.Chunk(500))
        {
            await SendJsonAsync(HttpMethod.Post, $"/warehouses/{warehouse}/inventory",
                new { items = chunk.Select(b => new { bookId = b.Id, quantity }) });
        }
    }

    public static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync();
        throw new HttpRequestException($"{what} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}", null, response.StatusCode);
    }

    public void Dispose() => _http.Dispose();

    public static bool IsCreated(HttpResponseMessage response) => response.StatusCode == HttpStatusCode.Created;
}
