using System.Text.Json;
using System.Text.Json.Serialization;
using AgentOps.Users;

namespace AgentOps.Agents.Tools;

/// <summary>
/// Everything a tool needs for one call. <see cref="CallId"/> is the idempotency key of the call;
/// <see cref="Requester"/> is the person the run acts for (null when that user no longer exists), whose rights apply.
/// <see cref="Expects"/> is what an <see cref="IPreconditionTool"/> found on its target when the call was approved: the
/// tool compares it with what it reads before acting, and does nothing when they differ (see <see cref="IPreconditionTool"/>).
/// </summary>
public sealed record ToolInvocation(JsonElement Args, string CallId, Guid RunId, string Actor, IGrainFactory Grains, Requester? Requester,
    string? Expects = null);

/// <summary>
/// A tool's answer: JSON the agent reads, and whether the call succeeded. <see cref="FoundInstead"/> is set when the
/// tool did nothing because its target no longer matched <see cref="ToolInvocation.Expects"/>: what it found.
/// </summary>
public sealed record ToolOutcome(bool Success, string Output, string? FoundInstead = null)
{
    public static ToolOutcome Ok(object value) => new(true, JsonSerializer.Serialize(value, ToolJson.Options));

    /// <summary>The target changed since the approval: nothing was done.</summary>
    public static ToolOutcome PreconditionChanged(string tool, string expected, string found) => new(false,
        JsonSerializer.Serialize(new { error = $"precondition changed: {tool} expected {expected} but found {found}; it did nothing and asks for a new approval" },
            ToolJson.Options), found);

    public static ToolOutcome Fail(string error, object? details = null) =>
        new(false, JsonSerializer.Serialize(new { error, details }, ToolJson.Options));

    public static ToolOutcome From(Common.OperationError error) =>
        Fail(error.Message, new { code = error.Code, error.Details });
}

/// <summary>The JSON conventions of tool outputs: snake_case, enums as UPPER_CASE strings, nulls left out.</summary>
public static class ToolJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Outputs are read by people and planners, never inlined into HTML: keep quotes and accents readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper) },
    };
}

/// <summary>A typed tool: name, description for planners, JSON schema of its arguments, risk class.</summary>
public interface IAgentTool
{
    string Name { get; }

    string Description { get; }

    RiskClass Risk { get; }

    JsonElement Schema { get; }

    /// <summary>
    /// Whether the requester may make this call, by <see cref="AccessRules"/>, from the arguments alone. The run asks
    /// when the call is proposed (no approval is requested for a call its requester may not make) and again before it
    /// runs; checks that need the target (whose order is it?) are made inside <see cref="ExecuteAsync"/>.
    /// </summary>
    bool MayUse(Requester? requester, JsonElement args);

    Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken);
}

/// <summary>Base class: parses the schema once and reads validated arguments.</summary>
public abstract class AgentTool : IAgentTool
{
    // Lazy, not a nullable field set on first use: tools are singletons shared by grains on several threads, and a
    // reader could see a half-written JsonElement? (HasValue set, element still default); that failed a run's first
    // step at start-up with "Operation is not valid due to the current state of the object".
    private readonly Lazy<JsonElement> _schema;

    protected AgentTool() => _schema = new(() => JsonDocument.Parse(SchemaJson).RootElement.Clone());

    public abstract string Name { get; }

    public abstract string Description { get; }

    public virtual RiskClass Risk => RiskClass.Safe;

    /// <summary>The JSON schema of the arguments, as text.</summary>
    protected abstract string SchemaJson { get; }

    public JsonElement Schema => _schema.Value;

    /// <summary>Fails closed: a tool is for store admins unless it says otherwise.</summary>
    public virtual bool MayUse(Requester? requester, JsonElement args) => AccessRules.MayOperateStore(requester);

    public abstract Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken);

    /// <summary>The answer for a call its requester may not make; the same words as the HTTP API's 403.</summary>
    public static ToolOutcome Forbidden(string what) => ToolOutcome.Fail($"forbidden: the user this run acts for may not {what}.");

    protected static string Text(JsonElement args, string name) => args.GetProperty(name).GetString()!;

    protected static string? OptionalText(JsonElement args, string name) =>
        args.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    protected static Guid Id(JsonElement args, string name) => Guid.Parse(Text(args, name));

    protected static int? OptionalInt(JsonElement args, string name) =>
        args.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
}
