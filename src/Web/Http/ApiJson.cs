using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOps.Web.Http;

/// <summary>JSON settings of the front door: snake_case like the seed, strict number types.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.PropertyNameCaseInsensitive = true;
        // "quantity": "5" is a wrong type, not a number.
        options.NumberHandling = JsonNumberHandling.Strict;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.MaxDepth = 32;
        if (!options.Converters.OfType<StorableStringConverter>().Any())
        {
            options.Converters.Add(new StorableStringConverter());
        }
        if (!options.Converters.OfType<JsonStringEnumConverter>().Any())
        {
            options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper));
        }
        return options;
    }
}
