using System.Security.Claims;
using System.Text.Json;
using System.Threading.Channels;
using AgentOps.Agents;
using AgentOps.Hosting;
using AgentOps.Journal;
using AgentOps.Web.Http;
using Orleans.Streams;

namespace AgentOps.Web.Agents;

/// <summary>
/// GET /agents/runs/{id}/events: replays the journal of the run and of its child runs, then follows the run's
/// Orleans stream live. Subscribes before replaying and skips what it already sent, so no event is lost or
/// repeated at the seam. Ends with <c>event: done</c> once the run reaches an end state.
/// </summary>
public static class RunEventStream
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    /// <summary>How often the run is checked directly, in case a live event was lost (streams are best effort).</summary>
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(5);

    public static async Task<IResult> StreamAsync(string id, ClaimsPrincipal user, IClusterClient client, HttpContext http)
    {
        if (Paging.ParseId(id, "run id", out var runId) is { } invalid) return invalid;
        var run = client.GetGrain<IAgentRunGrain>(runId);
        var first = await run.GetSummaryAsync();
        if (first is null) return ApiErrors.NotFound($"Run {runId} does not exist.");
        if (!AgentsApi.MayRead(user, first)) return ApiErrors.Forbidden("This run belongs to another user.");

        var cancellation = http.RequestAborted;
        var response = http.Response;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";

        var live = Channel.CreateUnbounded<JournalEntry>();
        var stream = client.GetStreamProvider(StorageNames.Streams).GetStream<RunStreamItem>(RunStreams.For(runId));
        var subscription = await stream.SubscribeAsync((item, _) => item.WatchedRunId == runId ? live.Writer.WriteAsync(item.Entry).AsTask() : Task.CompletedTask);
        var sent = new HashSet<(Guid, int)>();
        // Agent type of every run whose events are sent (the run and its children), for source_agent_type.
        var agentTypes = new Dictionary<Guid, string> { [runId] = first.AgentType };
        try
        {
            await ReplayAsync(client, runId, sent, agentTypes, response, cancellation);
            while (!cancellation.IsCancellationRequested)
            {
                if (await IsFinishedAsync(run) is { } status)
                {
                    // Anything the stream did not deliver is in the journal.
                    await ReplayAsync(client, runId, sent, agentTypes, response, cancellation);
                    await WriteAsync(response, "done", JsonSerializer.Serialize(new { run_id = runId, status = JournalCodec.Name(status) }), null, cancellation);
                    break;
                }
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                wait.CancelAfter(Recheck);
                try
                {
                    while (await live.Reader.WaitToReadAsync(wait.Token))
                    {
                        while (live.Reader.TryRead(out var entry))
                        {
                            if (sent.Add((entry.RunId, entry.Sequence)))
                            {
                                await WriteEventAsync(response, entry, await AgentTypeOfAsync(client, entry.RunId, agentTypes), cancellation);
                            }
                        }
                        if (await IsFinishedAsync(run) is not null) break;
                    }
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", cancellation);
                    await response.Body.FlushAsync(cancellation);
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            await subscription.UnsubscribeAsync();
        }
        return Results.Empty;
    }

    private static async Task<RunStatus?> IsFinishedAsync(IAgentRunGrain run) =>
        await run.GetSummaryAsync() is { Status: RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled } summary ? summary.Status : null;

    /// <summary>The journal of the run and, depth first, of its child runs, in time order.</summary>
    private static async Task ReplayAsync(
        IClusterClient client, Guid runId, HashSet<(Guid, int)> sent, Dictionary<Guid, string> agentTypes, HttpResponse response, CancellationToken cancellation)
    {
        var entries = new List<JournalEntry>();
        var pending = new Queue<Guid>([runId]);
        while (pending.Count > 0 && entries.Count < 100_000)
        {
            if (await client.GetGrain<IAgentRunGrain>(pending.Dequeue()).GetAsync() is not { } view) continue;
            agentTypes[view.Run.Id] = view.Run.AgentType;
            entries.AddRange(view.Events);
            foreach (var child in view.ChildRunIds) pending.Enqueue(child);
        }
        foreach (var entry in entries.OrderBy(e => e.CreatedAt).ThenBy(e => e.RunId == runId ? 0 : 1).ThenBy(e => e.Sequence))
        {
            if (sent.Add((entry.RunId, entry.Sequence))) await WriteEventAsync(response, entry, await AgentTypeOfAsync(client, entry.RunId, agentTypes), cancellation);
        }
    }

    /// <summary>A live event may come from a child run started after the replay: ask that run once.</summary>
    private static async Task<string> AgentTypeOfAsync(IClusterClient client, Guid runId, Dictionary<Guid, string> agentTypes)
    {
        if (agentTypes.TryGetValue(runId, out var known)) return known;
        var type = (await client.GetGrain<IAgentRunGrain>(runId).GetSummaryAsync())?.AgentType ?? "unknown";
        agentTypes[runId] = type;
        return type;
    }

    private static Task WriteEventAsync(HttpResponse response, JournalEntry entry, string agentType, CancellationToken cancellation) =>
        WriteAsync(response, "event", JsonSerializer.Serialize(RunEventResponse.From(entry, agentType), ApiJson.Options), $"{entry.RunId:N}-{entry.Sequence}", cancellation);

    private static async Task WriteAsync(HttpResponse response, string name, string data, string? id, CancellationToken cancellation)
    {
        var text = id is null ? $"event: {name}\ndata: {data}\n\n" : $"id: {id}\nevent: {name}\ndata: {data}\n\n";
        await response.WriteAsync(text, cancellation);
        await response.Body.FlushAsync(cancellation);
    }
}
