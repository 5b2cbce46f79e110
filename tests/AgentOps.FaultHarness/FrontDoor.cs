using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace AgentOps.FaultHarness;

/// <summary>What one HTTP call came back with: a status and a JSON body, or no answer at all (timeout, refused, reset).</summary>
public sealed record Answer(int Status, JsonElement? Body, string? Failure)
{
    public bool Ok => Status is >= 200 and < 300;

    /// <summary>No answer, or one that says "try again": the request may or may not have had its effect.</summary>
    public bool Indeterminate => Status == 0 || Status >= 500;

    public string Describe() => Status == 0 ? $"no answer ({Failure})" : $"{Status} {ErrorCode}";

    public string? ErrorCode => Body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("error_code", out var c) ? c.GetString() : null;

    public JsonElement Json => Body ?? throw new InvalidOperationException($"No JSON body ({Describe()}).");
}

/// <summary>The system's HTTP front door as the harness's clients use it: loopback only, a timeout on every call.</summary>
public sealed class FrontDoor : IDisposable
{
    private readonly HttpClient _http;

    public FrontDoor(Uri baseUrl)
    {
        if (!IPAddress.TryParse(baseUrl.Host, out var address) || !IPAddress.IsLoopback(address))
            throw new ArgumentException("The harness only talks to loopback addresses.", nameof(baseUrl));
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 256,
            ConnectTimeout = TimeSpan.FromSeconds(3),
            // A killed web process leaves dead pooled connections behind: do not keep them long.
            PooledConnectionLifetime = TimeSpan.FromSeconds(20),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
        })
        {
            BaseAddress = baseUrl,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public static readonly AuthenticationHeaderValue Admin = Basic("admin@bookstore.com:admin123");
    public static readonly AuthenticationHeaderValue StaffAlpha = Basic("staff@warehouse-alpha.com:staff123");
    public static readonly AuthenticationHeaderValue StaffBeta = Basic("staff@warehouse-beta.com:staff123");
    public static readonly AuthenticationHeaderValue Service = new("Bearer", Environment.GetEnvironmentVariable("AGENTOPS_SERVICE_TOKEN") ?? "dev-service-token");

    public static AuthenticationHeaderValue Basic(string credentials) => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));

    public async Task<Answer> SendAsync(HttpMethod method, string path, object? body, AuthenticationHeaderValue? auth, TimeSpan timeout,
        CancellationToken cancellationToken, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        if (auth is not null) request.Headers.Authorization = auth;
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await _http.SendAsync(request, deadline.Token);
            var text = await response.Content.ReadAsStringAsync(deadline.Token);
            JsonElement? json = null;
            if (text.Length > 0)
            {
                try
                {
                    json = JsonSerializer.Deserialize<JsonElement>(text);
                }
                catch (JsonException)
                {
                    json = null;
                }
            }
            return new Answer((int)response.StatusCode, json, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Answer(0, null, "timeout");
        }
        catch (HttpRequestException e)
        {
            return new Answer(0, null, e.InnerException is SocketException s ? s.SocketErrorCode.ToString() : e.HttpRequestError.ToString());
        }
        catch (IOException e)
        {
            return new Answer(0, null, e.GetType().Name);
        }
    }

    public Task<Answer> GetAsync(string path, AuthenticationHeaderValue? auth, CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        SendAsync(HttpMethod.Get, path, null, auth, timeout ?? TimeSpan.FromSeconds(10), cancellationToken);

    /// <summary>A read repeated (bounded) until it gets an answer that is not indeterminate.</summary>
    public async Task<Answer> GetSettledAsync(string path, AuthenticationHeaderValue? auth, CancellationToken cancellationToken, int attempts = 8)
    {
        Answer answer = new(0, null, "not sent");
        for (var i = 0; i < attempts; i++)
        {
            answer = await GetAsync(path, auth, cancellationToken);
            if (!answer.Indeterminate) return answer;
            await Task.Delay(250 * (i + 1), cancellationToken);
        }
        return answer;
    }

    public void Dispose() => _http.Dispose();
}
