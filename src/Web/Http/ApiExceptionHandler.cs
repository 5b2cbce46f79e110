using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Orleans.Runtime;

namespace AgentOps.Web.Http;

/// <summary>Turns bad requests (malformed JSON, wrong types, oversized bodies) into 4xx errors and anything else into a 500 without internals.</summary>
public sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                await ApiErrors.WriteAsync(context, 413, "validation.body_too_large", "The request body is too large.");
                return true;
            case BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType }:
                await ApiErrors.WriteAsync(context, 415, "validation.unsupported_media_type", "Send the body as application/json.");
                return true;
            case BadHttpRequestException { InnerException: UnstorableTextException }:
                await ApiErrors.WriteAsync(context, 400, "validation.invalid_characters",
                    "Text may not contain NUL characters or unpaired surrogates.");
                return true;
            case BadHttpRequestException { InnerException: JsonException json }:
                await ApiErrors.WriteAsync(context, 400, "validation.invalid_json", "The body is not valid JSON of the expected shape.",
                    json.Path is { } path ? new Dictionary<string, string> { ["path"] = path } : null);
                return true;
            case BadHttpRequestException bad when bad.Message.Contains("body was provided", StringComparison.OrdinalIgnoreCase):
                await ApiErrors.WriteAsync(context, 400, "validation.missing_body", "A JSON body is required.");
                return true;
            case BadHttpRequestException bad:
                await ApiErrors.WriteAsync(context, bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : 400, "validation.bad_request", bad.Message);
                return true;
            case SiloUnavailableException or OrleansMessageRejectionException or TimeoutException:
                // A silo just died or is overloaded: the request may succeed when retried in a moment.
                logger.LogWarning(exception, "Cluster unavailable for {Method} {Path}", context.Request.Method, context.Request.Path);
                context.Response.Headers.RetryAfter = "5";
                await ApiErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "internal.unavailable", "The cluster is temporarily unavailable; retry shortly.");
                return true;
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                return true;
            default:
                logger.LogError(exception, "Unhandled error for {Method} {Path}", context.Request.Method, context.Request.Path);
                await ApiErrors.WriteAsync(context, 500, "internal.error", "Something went wrong on our side; the request id identifies it in the logs.");
                return true;
        }
    }
}
