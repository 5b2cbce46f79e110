using System.Globalization;
using System.Text.Json;

namespace AgentOps.Agents.Tools;

/// <summary>
/// Validates tool arguments against the subset of JSON Schema the tools use: type, properties, required,
/// additionalProperties=false, enum, minLength/maxLength, minimum/maximum, format=uuid, items.
/// Returns every problem with its JSON path, so an agent (or a person editing arguments) can fix them all at once.
/// </summary>
public static class JsonSchemaValidator
{
    public static IReadOnlyList<string> Validate(JsonElement schema, JsonElement value)
    {
        var errors = new List<string>();
        Check(schema, value, "$", errors);
        return errors;
    }

    private static void Check(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        if (schema.TryGetProperty("type", out var type) && !HasType(value, type.GetString()!))
        {
            errors.Add($"{path}: expected {type.GetString()}, got {Describe(value)}");
            return;
        }
        if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(a => JsonElement.DeepEquals(a, value)))
        {
            errors.Add($"{path}: must be one of {string.Join(", ", allowed.EnumerateArray().Select(a => a.GetRawText()))}");
        }
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                CheckObject(schema, value, path, errors);
                break;
            case JsonValueKind.Array when schema.TryGetProperty("items", out var items):
                var index = 0;
                foreach (var item in value.EnumerateArray()) Check(items, item, $"{path}[{index++}]", errors);
                if (schema.TryGetProperty("maxItems", out var maxItems) && index > maxItems.GetInt32())
                    errors.Add($"{path}: at most {maxItems.GetInt32()} items");
                break;
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (schema.TryGetProperty("minLength", out var minLength) && text.Length < minLength.GetInt32())
                    errors.Add($"{path}: at least {minLength.GetInt32()} characters");
                if (schema.TryGetProperty("maxLength", out var maxLength) && text.Length > maxLength.GetInt32())
                    errors.Add($"{path}: at most {maxLength.GetInt32()} characters");
                if (schema.TryGetProperty("format", out var format) && format.GetString() == "uuid" && !Guid.TryParse(text, out _))
                    errors.Add($"{path}: must be a UUID");
                break;
            case JsonValueKind.Number:
                var number = value.GetDouble();
                if (schema.TryGetProperty("minimum", out var minimum) && number < minimum.GetDouble())
                    errors.Add($"{path}: must be ≥ {minimum.GetDouble().ToString(CultureInfo.InvariantCulture)}");
                if (schema.TryGetProperty("maximum", out var maximum) && number > maximum.GetDouble())
                    errors.Add($"{path}: must be ≤ {maximum.GetDouble().ToString(CultureInfo.InvariantCulture)}");
                break;
        }
    }

    private static void CheckObject(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        var properties = schema.TryGetProperty("properties", out var p) ? p : default;
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
            {
                if (!value.TryGetProperty(name, out var present) || present.ValueKind == JsonValueKind.Null)
                    errors.Add($"{path}.{name}: is required");
            }
        }
        var closed = schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False;
        foreach (var property in value.EnumerateObject())
        {
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                if (property.Value.ValueKind != JsonValueKind.Null) Check(propertySchema, property.Value, $"{path}.{property.Name}", errors);
            }
            else if (closed)
            {
                errors.Add($"{path}.{property.Name}: is not an argument of this tool");
            }
        }
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        _ => true,
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };
}
