using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;

namespace AgentOps.Governance;

/// <summary>
/// JSON Schema over tool arguments, through NJsonSchema (a maintained, widely used implementation rather than our own
/// subset): the tools' argument schemas, and the argument rules of policies and grants. References outside the schema
/// itself are refused, so that a rule never makes the cluster fetch anything.
/// </summary>
public static class ArgsRules
{
    private static readonly ConcurrentDictionary<string, JsonSchema> Compiled = new(StringComparer.Ordinal);

    /// <summary>The compiled schema, built once per distinct text; throws when the text is not a usable schema.</summary>
    public static JsonSchema Compile(string schema) => Compiled.GetOrAdd(schema, text =>
    {
        var node = JsonNode.Parse(text);
        if (ExternalReference(node) is { } reference)
            throw new ArgumentException($"the reference '{reference}' points outside the rule; only local references (#/…) are allowed.");
        if (UnsupportedKeyword(node) is { } keyword)
            throw new ArgumentException($"the keyword '{keyword}' is not supported (the rules follow JSON Schema draft 4: use enum instead of const).");
        // No external references, so loading completes without I/O.
        return JsonSchema.FromJsonAsync(text).GetAwaiter().GetResult();
    });

    /// <summary>Why a rule cannot be used (not JSON, not an object, not a schema), or null when it can.</summary>
    public static string? Problem(string rule)
    {
        try
        {
            using var document = JsonDocument.Parse(rule);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return "args_rule must be a JSON Schema (an object).";
            Compile(rule);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"args_rule is not a usable JSON Schema: {e.Message}";
        }
    }

    /// <summary>Whether the arguments satisfy the rule. Throws when the rule cannot be evaluated: callers fail closed.</summary>
    public static bool Matches(string rule, string args) => Compile(rule).Validate(args).Count == 0;

    /// <summary>Every problem of a value against a schema, each with its JSON path, so they can all be fixed at once.</summary>
    public static IReadOnlyList<string> Problems(JsonSchema schema, JsonElement value) =>
        [.. schema.Validate(value.GetRawText()).Select(e => $"{PathOf(e.Path)}: {Describe(e)}").Distinct()];

    /// <summary>The library's error kinds in words a planner or a person can act on, with the limit that was missed.</summary>
    private static string Describe(NJsonSchema.Validation.ValidationError e)
    {
        var s = e.Schema;
        return e.Kind switch
        {
            NJsonSchema.Validation.ValidationErrorKind.PropertyRequired => "is required",
            NJsonSchema.Validation.ValidationErrorKind.NoAdditionalPropertiesAllowed => "is not an argument of this tool",
            NJsonSchema.Validation.ValidationErrorKind.NotInEnumeration =>
                $"must be one of {string.Join(", ", s?.Enumeration.Select(v => JsonSerializer.Serialize(v)) ?? [])}",
            NJsonSchema.Validation.ValidationErrorKind.GuidExpected or NJsonSchema.Validation.ValidationErrorKind.UuidExpected => "must be a UUID",
            NJsonSchema.Validation.ValidationErrorKind.NumberTooSmall => $"must be ≥ {s?.Minimum}",
            NJsonSchema.Validation.ValidationErrorKind.NumberTooBig => $"must be ≤ {s?.Maximum}",
            NJsonSchema.Validation.ValidationErrorKind.PatternMismatch => $"does not match the pattern {s?.Pattern}",
            NJsonSchema.Validation.ValidationErrorKind.StringTooShort => $"at least {s?.MinLength} characters",
            NJsonSchema.Validation.ValidationErrorKind.StringTooLong => $"at most {s?.MaxLength} characters",
            NJsonSchema.Validation.ValidationErrorKind.IntegerExpected => "expected integer",
            NJsonSchema.Validation.ValidationErrorKind.NumberExpected => "expected number",
            NJsonSchema.Validation.ValidationErrorKind.StringExpected => "expected string",
            NJsonSchema.Validation.ValidationErrorKind.BooleanExpected => "expected boolean",
            NJsonSchema.Validation.ValidationErrorKind.ObjectExpected => "expected object",
            NJsonSchema.Validation.ValidationErrorKind.ArrayExpected => "expected array",
            NJsonSchema.Validation.ValidationErrorKind.TooManyItems => $"at most {s?.MaxItems} items",
            _ => Describe(e.Kind.ToString()),
        };
    }

    private static string PathOf(string? pointer)
    {
        if (string.IsNullOrEmpty(pointer) || pointer == "#") return "$";
        return "$" + pointer.TrimStart('#').Replace('/', '.');
    }

    /// <summary>"PropertyRequired" → "property required".</summary>
    private static string Describe(string kind)
    {
        var words = new StringBuilder();
        foreach (var c in kind)
        {
            if (char.IsUpper(c) && words.Length > 0) words.Append(' ');
            words.Append(char.ToLowerInvariant(c));
        }
        return words.ToString();
    }

    /// <summary>
    /// The library implements draft 4 and passes over keywords it does not know. A rule that silently ignored "const"
    /// would match far more calls than its author meant — for an auto-approve rule, fail open — so such rules are refused.
    /// </summary>
    private static readonly HashSet<string> Keywords =
    [
        "$schema", "id", "$id", "$ref", "title", "description", "default", "examples", "definitions", "type", "enum", "format",
        "properties", "patternProperties", "additionalProperties", "required", "minProperties", "maxProperties",
        "items", "additionalItems", "minItems", "maxItems", "uniqueItems", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "multipleOf", "minLength", "maxLength", "pattern", "allOf", "anyOf", "oneOf", "not",
    ];

    private static string? UnsupportedKeyword(JsonNode? schema)
    {
        if (schema is not JsonObject o) return null;
        foreach (var (key, value) in o)
        {
            if (!Keywords.Contains(key)) return key;
            var found = key switch
            {
                "properties" or "patternProperties" or "definitions" => (value as JsonObject)?.Select(p => UnsupportedKeyword(p.Value)).FirstOrDefault(k => k is not null),
                "items" when value is JsonArray list => list.Select(UnsupportedKeyword).FirstOrDefault(k => k is not null),
                "items" or "additionalProperties" or "additionalItems" or "not" => UnsupportedKeyword(value),
                "allOf" or "anyOf" or "oneOf" => (value as JsonArray)?.Select(UnsupportedKeyword).FirstOrDefault(k => k is not null),
                _ => null,
            };
            if (found is not null) return found;
        }
        return null;
    }

    private static string? ExternalReference(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (key == "$ref" && value is JsonValue v && v.TryGetValue<string>(out var target) && !target.StartsWith('#')) return target;
                    if (ExternalReference(value) is { } found) return found;
                }
                return null;
            case JsonArray a:
                return a.Select(ExternalReference).FirstOrDefault(r => r is not null);
            default:
                return null;
        }
    }
}
