using Microsoft.Extensions.AI;

namespace AgentOps.Tests.Infrastructure;

/// <summary>
/// A fake language model: answers from a script keyed by the task (the first user message) and the number of
/// tool results seen so far. Records every conversation it was sent.
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    public static ScriptedChatClient Shared { get; } = new();

    private readonly Dictionary<string, Func<int, ChatResponse>> _scripts = [];

    public List<List<ChatMessage>> Conversations { get; } = [];

    /// <summary>Registers the answers for tasks containing <paramref name="marker"/>.</summary>
    public void Script(string marker, Func<int, ChatResponse> answer)
    {
        lock (_scripts) _scripts[marker] = answer;
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var conversation = messages.ToList();
        lock (_scripts)
        {
            Conversations.Add(conversation);
            var task = conversation.First(m => m.Role == ChatRole.User).Text;
            var answer = _scripts.First(s => task.Contains(s.Key, StringComparison.Ordinal)).Value;
            return Task.FromResult(answer(conversation.Count(m => m.Role == ChatRole.Tool)));
        }
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The runtime never streams planner answers.");

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    public static ChatResponse Call(string name, IDictionary<string, object?> args, string? text = null) =>
        new(new ChatMessage(ChatRole.Assistant, [.. text is null ? Array.Empty<AIContent>() : [new TextContent(text)], new FunctionCallContent($"m_{Guid.NewGuid():N}", name, args)]));

    public static ChatResponse Malformed(string name) =>
        new(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent($"m_{Guid.NewGuid():N}", name) { Exception = new System.Text.Json.JsonException("'}' is invalid after a value") }]));

    public static ChatResponse Text(string text) => new(new ChatMessage(ChatRole.Assistant, text));
}
