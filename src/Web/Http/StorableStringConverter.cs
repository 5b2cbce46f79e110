using System.Text.Json;
using System.Text.Json.Serialization;
using AgentOps.Common;

namespace AgentOps.Web.Http;

/// <summary>
/// Refuses JSON strings that storage cannot hold (NUL, unpaired surrogates) while the body is read,
/// so such input is a 400 at the door instead of a write that fails deep inside the cluster.
/// </summary>
public sealed class StorableStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString();
        if (!StorableText.IsStorable(value)) throw new UnstorableTextException();
        return value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>A request carried a character that storage cannot hold.</summary>
public sealed class UnstorableTextException()
    : JsonException("The text contains a NUL character or an unpaired surrogate, which cannot be stored.");
