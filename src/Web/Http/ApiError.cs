using System.Text.Json.Serialization;

namespace AgentOps.Web.Http;

/// <summary>The one error body every endpoint uses.</summary>
public sealed record ApiError(
    [property: JsonPropertyName("error_code")] string ErrorCode,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("details"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Details,
    [property: JsonPropertyName("request_id")] string RequestId)
{
    /// <summary>The message again, under the name the original project's clients read (<c>response.data.error</c>).</summary>
    [JsonPropertyName("error")]
    public string Error => Message;
}
