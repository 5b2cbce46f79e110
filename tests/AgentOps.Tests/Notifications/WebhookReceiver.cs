using System.Text.Json;
using AgentOps.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AgentOps.Tests.Notifications;

/// <summary>
/// A webhook receiver on a free local port: records every POST (headers, exact body bytes, the status it answered)
/// and answers 500 to the first <c>failFirst</c> attempts of each delivery id. Tests wait on a condition over the
/// requests, signalled when a request arrives.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Request(string? DeliveryId, string? Event, string? Signature, byte[] Body, int Answered, TimeSpan Delay)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;

        public string? RunId => Json.TryGetProperty("run_id", out var run) ? run.GetString() : null;
    }

    private readonly WebApplication _app;
    private readonly int _failFirst;
    private readonly TimeSpan _delay;
    private readonly List<Request> _requests = [];
    private readonly List<(Func<IReadOnlyList<Request>, bool> Condition, TaskCompletionSource Done)> _waiters = [];

    private WebhookReceiver(int failFirst, TimeSpan delay)
    {
        _failFirst = failFirst;
        _delay = delay;
        var port = TestPorts.Free();
        Url = $"http://127.0.0.1:{port}/hook";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/hook", HandleAsync);
    }

    public string Url { get; }

    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0, TimeSpan delay = default)
    {
        var receiver = new WebhookReceiver(failFirst, delay);
        await receiver._app.StartAsync();
        return receiver;
    }

    public IReadOnlyList<Request> Requests
    {
        get
        {
            lock (_requests) return [.. _requests];
        }
    }

    /// <summary>Completes when the requests received so far satisfy <paramref name="condition"/>; fails after the timeout.</summary>
    public async Task<IReadOnlyList<Request>> WaitUntilAsync(Func<IReadOnlyList<Request>, bool> condition, string because, TimeSpan? timeout = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_requests)
        {
            if (condition(_requests)) return [.. _requests];
            _waiters.Add((condition, done));
        }
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        if (await Task.WhenAny(done.Task, Task.Delay(limit)) != done.Task)
            Assert.Fail($"Timed out after {limit.TotalSeconds} s waiting until {because}; received: {string.Join(", ", Requests.Select(r => $"{r.Event}/{r.DeliveryId}/{r.Answered}"))}");
        return Requests;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        if (_delay > TimeSpan.Zero) await Task.Delay(_delay);
        var headers = context.Request.Headers;
        var deliveryId = headers["X-AgentOps-Delivery"].ToString();
        int answered;
        lock (_requests)
        {
            var seen = _requests.Count(r => r.DeliveryId == deliveryId);
            answered = seen < _failFirst ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK;
            _requests.Add(new Request(deliveryId, headers["X-AgentOps-Event"].ToString(), headers["X-AgentOps-Signature"].ToString(), buffer.ToArray(), answered, _delay));
            foreach (var waiter in _waiters.Where(w => w.Condition(_requests)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }
        context.Response.StatusCode = answered;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
