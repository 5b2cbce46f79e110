using System.Text.Json;
using AgentOps.Agents.Tools;
using AgentOps.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AgentOps.Agents.Planning;

/// <summary>
/// Plans with a language model through <see cref="IChatClient"/> tool calling. The conversation is rebuilt from
/// the journal on every step (so a restarted run continues where it was), tools are offered as declarations
/// only: the run grain executes them durably, never the chat client.
/// </summary>
public sealed class ChatClientBrain(IChatClient chatClient, ToolRegistry tools, IOptions<LlmOptions> options) : IAgentBrain
{
    public async Task<AgentDecision> DecideAsync(IAgent agent, AgentContext context, CancellationToken cancellationToken)
    {
        var chatOptions = new ChatOptions
        {
            ModelId = options.Value.Model,
            ToolMode = ChatToolMode.Auto,
            Tools = [.. tools.For(agent).Select(t => (AITool)AIFunctionFactory.CreateDeclaration(t.Name, t.Description, t.Schema))],
        };
        var response = await chatClient.GetResponseAsync(Conversation(agent, context), chatOptions, cancellationToken);

        var contents = response.Messages.SelectMany(m => m.Contents).ToList();
        var text = string.Concat(contents.OfType<TextContent>().Select(t => t.Text)).Trim();
        var thought = text.Length > 0 ? text : null;
        if (contents.OfType<FunctionCallContent>().FirstOrDefault() is { } call)
        {
            // Arguments the client could not parse reach the run as text that is not a JSON object, which the
            // run turns into an error result the model sees on its next step.
            var args = call.Exception is { } parseError
                ? $"unparseable arguments: {parseError.Message}"
                : JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>());
            return new CallTool(thought, call.Name, args);
        }
        if (thought is null) throw new PlannerOutputException("The model returned neither a tool call nor a final answer.");
        var report = ReportIn(thought);
        var summary = report is not null && JsonDocument.Parse(report).RootElement.TryGetProperty("summary", out var s) && s.ValueKind == JsonValueKind.String
            ? s.GetString()! : thought;
        return new Finish(null, summary, report);
    }

    private static List<ChatMessage> Conversation(IAgent agent, AgentContext context)
    {
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System,
                $"You are the '{agent.Type}' agent of a bookstore's operations team. {agent.Description} " +
                "Work step by step with the tools. Dangerous tools wait for a person's approval; if a call is rejected, read the " +
                "feedback and reconsider. When the task is done (or cannot be done), answer with a short summary and no tool call." +
                (agent.Type == Specialists.LogAnalyzerAgent.AgentType
                    ? " Answer with a JSON object {\"success\", \"summary\", \"findings\": [{\"severity\", \"title\", \"description\", \"evidence\", \"recommendation\"}]}."
                    : "")),
            new(ChatRole.User, context.Prompt),
        };
        foreach (var step in context.Steps)
        {
            var assistant = new List<AIContent>();
            if (step.Thought is { } thought) assistant.Add(new TextContent(thought));
            assistant.Add(new FunctionCallContent(step.CallId, step.ToolName, ArgumentsOf(step.Args)));
            messages.Add(new ChatMessage(ChatRole.Assistant, assistant));
            var result = step.Decision switch
            {
                ApprovalDecision.Rejected => $"{{\"error\":\"rejected: {Escape(step.Feedback ?? "no reason given")}\"}}",
                ApprovalDecision.Expired => "{\"error\":\"the approval expired; the tool did not run\"}",
                _ => step.Output ?? "{\"error\":\"no result\"}",
            };
            if (step.ApprovedArgs is { } edited) result = $"{{\"note\":\"an approver edited the arguments to {Escape(edited)}\",\"result\":{result}}}";
            messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(step.CallId, result)]));
        }
        return messages;
    }

    private static Dictionary<string, object?> ArgumentsOf(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, object?>>(json) ?? [];
        }
        catch (JsonException)
        {
            return new Dictionary<string, object?> { ["raw"] = json };
        }
    }

    private static string Escape(string text) => JsonEncodedText.Encode(text).ToString();

    private static string? ReportIn(string text)
    {
        var start = text.IndexOf('{');
        var end = text.LastIndexOf('}');
        if (start < 0 || end <= start) return null;
        try
        {
            using var document = JsonDocument.Parse(text[start..(end + 1)]);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("findings", out _)
                ? document.RootElement.GetRawText() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
