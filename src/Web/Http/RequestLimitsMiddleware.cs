using AgentOps.Common;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace AgentOps.Web.Http;

/// <summary>Front-door limits. Section <c>AgentOps:Api</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "AgentOps:Api";

    /// <summary>Largest accepted request body.</summary>
    public long MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Largest page of a listing.</summary>
    public int MaxPageSize { get; set; } = 500;
}

/// <summary>Refuses oversized bodies up front (and caps bodies of unknown length while they are read).</summary>
public sealed class RequestLimitsMiddleware(RequestDelegate next, IOptions<ApiOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var max = options.Value.MaxBodyBytes;
        if (context.Request.ContentLength > max)
        {
            return ApiErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "validation.body_too_large",
                $"The request body may be at most {max} bytes.");
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }
        // A caller's own request id is kept when it is short and plain, so logs on both sides line up.
        if (context.Request.Headers["X-Request-Id"].ToString() is { Length: > 0 and <= 64 } given && given.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            context.TraceIdentifier = given;
        }
        context.Response.Headers["X-Request-Id"] = context.TraceIdentifier;
        // Names in the path and query become grain keys and query parameters: refuse what storage cannot hold.
        if (!StorableText.IsStorable(context.Request.Path.Value) || context.Request.Query.Any(q => q.Value.Any(v => !StorableText.IsStorable(v))))
        {
            return ApiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "validation.invalid_characters",
                "The path or query may not contain NUL characters or unpaired surrogates.");
        }
        return next(context);
    }
}
