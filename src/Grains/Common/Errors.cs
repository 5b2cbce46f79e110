namespace AgentOps.Common;

/// <summary>Shorthands for the error codes the front door understands.</summary>
public static class Errors
{
    public static OperationError Validation(string code, string message, IReadOnlyDictionary<string, string>? details = null) =>
        new(ErrorKind.Validation, $"validation.{code}", message, details);

    public static OperationError NotFound(string message, IReadOnlyDictionary<string, string>? details = null) =>
        new(ErrorKind.NotFound, "resource.not_found", message, details);

    public static OperationError Conflict(string message, IReadOnlyDictionary<string, string>? details = null) =>
        new(ErrorKind.Conflict, "state.conflict", message, details);

    public static OperationError Forbidden(string message, IReadOnlyDictionary<string, string>? details = null) =>
        new(ErrorKind.Forbidden, "auth.forbidden", message, details);

    /// <summary>The key of the retry hint in <see cref="OperationError.Details"/> (whole seconds), sent as Retry-After.</summary>
    public const string RetryAfterSeconds = "retry_after_seconds";

    public static OperationError RateLimited(string message, TimeSpan retryAfter, IReadOnlyDictionary<string, string>? details = null) =>
        new(ErrorKind.RateLimited, "rate_limit.exceeded", message,
            new Dictionary<string, string>(details ?? new Dictionary<string, string>())
            {
                [RetryAfterSeconds] = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            });

    public static OperationError Unprocessable(string code, string message, IReadOnlyDictionary<string, string>? details = null) =>
        new(ErrorKind.Unprocessable, $"validation.{code}", message, details);

    public static OperationError Unavailable(string code, string message, IReadOnlyDictionary<string, string>? details = null) =>
        new(ErrorKind.Unavailable, code, message, details);
}
