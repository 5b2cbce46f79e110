using System.Reflection;
using AgentOps.Common;
using Microsoft.AspNetCore.Http.Metadata;

namespace AgentOps.Web.Http;

/// <summary>An error response; the request id is filled in when it is written.</summary>
public sealed class ApiErrorResult(int statusCode, string errorCode, string message, IReadOnlyDictionary<string, string>? details = null)
    : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public int StatusCode { get; } = statusCode;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public string ErrorCode { get; } = errorCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (details?.GetValueOrDefault(Errors.RetryAfterSeconds) is { } retryAfter) httpContext.Response.Headers.RetryAfter = retryAfter;
        return ApiErrors.WriteAsync(httpContext, StatusCode, ErrorCode, message, details);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        foreach (var status in new[] { 400, 401, 403, 404, 409, 422, 429 })
        {
            builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ApiError), ["application/json"]));
        }
    }
}

/// <summary>Maps failures to status codes and writes the error body: the single place that knows the format.</summary>
public static class ApiErrors
{
    public static ApiErrorResult From(OperationError error) => new(StatusFor(error.Kind), error.Code, error.Message, error.Details);

    public static ApiErrorResult Validation(string code, string message, IReadOnlyDictionary<string, string>? details = null) =>
        new(StatusCodes.Status400BadRequest, $"validation.{code}", message, details);

    public static ApiErrorResult NotFound(string message) => new(StatusCodes.Status404NotFound, "resource.not_found", message);

    public static ApiErrorResult Forbidden(string message) => new(StatusCodes.Status403Forbidden, "auth.forbidden", message);

    public static ApiErrorResult Conflict(string message) => new(StatusCodes.Status409Conflict, "state.conflict", message);

    public static int StatusFor(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => StatusCodes.Status400BadRequest,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.RateLimited => StatusCodes.Status429TooManyRequests,
        ErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    /// <summary>429 <c>rate_limit.exceeded</c> with a Retry-After header (whole seconds, at least 1).</summary>
    public static Task WriteRateLimitedAsync(HttpContext context, TimeSpan retryAfter, string message)
    {
        if (context.Response.HasStarted) return Task.CompletedTask;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers.RetryAfter = seconds;
        return WriteAsync(context, StatusCodes.Status429TooManyRequests, "rate_limit.exceeded", message,
            new Dictionary<string, string> { [Errors.RetryAfterSeconds] = seconds });
    }

    public static async Task WriteAsync(HttpContext context, int status, string code, string message, IReadOnlyDictionary<string, string>? details = null)
    {
        if (context.Response.HasStarted) return;
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new ApiError(code, message, details, context.TraceIdentifier),
            ApiJson.Options, contentType: "application/json; charset=utf-8");
    }
}
