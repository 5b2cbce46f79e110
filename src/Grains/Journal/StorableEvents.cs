using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Common;

namespace AgentOps.Journal;

/// <summary>
/// Makes an event's text storable before it is journaled (see <see cref="StorableText"/>): planner and tool output
/// is not under our control, and one NUL must not make a run's journal unwritable. JSON-valued fields are cleaned
/// inside their strings, escapes included, because the run table keeps some of them as jsonb.
/// </summary>
public static class StorableEvents
{
    public static RunEvent Clean(RunEvent e) => e switch
    {
        RunStarted x => x with { Prompt = T(x.Prompt), UserId = T(x.UserId), AgentType = T(x.AgentType), ParentCallId = TN(x.ParentCallId), RequestedBy = TN(x.RequestedBy) },
        AgentThought x => x with { TextContent = T(x.TextContent) },
        ToolProposed x => x with { ToolName = T(x.ToolName), Args = J(x.Args), CallId = T(x.CallId), Expects = JN(x.Expects) },
        RunSuspended x => x with { Reason = T(x.Reason), CallId = TN(x.CallId) },
        RunResumed x => x with { Feedback = TN(x.Feedback), CallId = T(x.CallId), DecidedBy = T(x.DecidedBy), ApprovedArgs = JN(x.ApprovedArgs), Explanation = TN(x.Explanation) },
        ToolResult x => x with { CallId = T(x.CallId), OutputData = J(x.OutputData) },
        RunCompleted x => x with { Summary = T(x.Summary), Report = JN(x.Report) },
        SystemError x => x with { ErrorDetails = T(x.ErrorDetails) },
        ChildRunStarted x => x with { AgentType = T(x.AgentType), Task = T(x.Task), CallId = T(x.CallId) },
        ChildRunCompleted x => x with { Summary = T(x.Summary) },
        RunCancelled x => x with { Reason = T(x.Reason), CancelledBy = T(x.CancelledBy) },
        ApprovalGiven x => x with { CallId = T(x.CallId), ApprovedBy = T(x.ApprovedBy), ApprovedArgs = JN(x.ApprovedArgs), Feedback = TN(x.Feedback) },
        ApprovalEscalated x => x with { CallId = T(x.CallId) },
        PreconditionChanged x => x with { CallId = T(x.CallId), Expected = J(x.Expected), Actual = J(x.Actual) },
        _ => e,
    };

    private static string T(string text) => StorableText.Clean(text);

    [return: NotNullIfNotNull(nameof(text))]
    private static string? TN(string? text) => text is null ? null : StorableText.Clean(text);

    [return: NotNullIfNotNull(nameof(json))]
    private static string? JN(string? json) => json is null ? null : J(json);

    /// <summary>JSON text whose strings are all storable; the same instance when nothing had to change.</summary>
    private static string J(string json)
    {
        if (StorableText.IsStorable(json) && !HasUnstorableEscape(json)) return json;
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            // Not JSON (a model's malformed arguments): kept as text, which the codec embeds as a string.
            return StorableText.Clean(json.Replace("\\u0000", "\\uFFFD", StringComparison.OrdinalIgnoreCase));
        }
        return node is null ? json : CleanNode(node)?.ToJsonString() ?? "null";
    }

    /// <summary>
    /// Whether the text has a \u0000 escape (plain ASCII here, NUL once PostgreSQL parses it as jsonb) or a surrogate
    /// escape (\uD800–\uDFFF, which may be unpaired), in either case. One pass over the backslashes: this runs for every
    /// journaled event, and nine case-insensitive searches were ~2 % of the CPU of the agents scenario. An escaped
    /// backslash before "u" counts too; the slow path that parses the JSON sorts that out.
    /// </summary>
    public static bool HasUnstorableEscape(string json)
    {
        for (var i = json.IndexOf('\\'); i >= 0 && i + 3 < json.Length; i = json.IndexOf('\\', i + 1))
        {
            if ((json[i + 1] | 0x20) != 'u') continue;
            var first = json[i + 2] | 0x20;
            var second = json[i + 3] | 0x20;
            if (first == 'd' && (second is '8' or '9' or (>= 'a' and <= 'f'))) return true;
            if (first == '0' && second == '0' && i + 5 < json.Length && json[i + 4] == '0' && json[i + 5] == '0') return true;
        }
        return false;
    }

    private static JsonNode? CleanNode(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                var cleaned = new JsonObject();
                foreach (var (key, value) in o.ToList())
                {
                    o.Remove(key);
                    cleaned[StorableText.Clean(key)] = CleanNode(value);
                }
                return cleaned;
            case JsonArray a:
                var items = a.ToList();
                a.Clear();
                var array = new JsonArray();
                foreach (var item in items) array.Add(CleanNode(item));
                return array;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return JsonValue.Create(StorableText.Clean(v.GetValue<string>()));
            default:
                return node;
        }
    }
}
