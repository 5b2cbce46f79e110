namespace AgentOps.Common;

/// <summary>What kind of failure a grain reports, so the front door can map it to a status code.</summary>
public enum ErrorKind
{
    Validation = 0,
    NotFound = 1,
    Conflict = 2,
    Forbidden = 3,
    Unavailable = 4,

    /// <summary>The caller is over a limit (429 <c>rate_limit.exceeded</c>); a later retry may succeed.</summary>
    RateLimited = 5,

    /// <summary>Well-formed but not acceptable in this state (422), e.g. an idempotency key reused for another request.</summary>
    Unprocessable = 6,
}

/// <summary>A business failure returned by a grain instead of an exception.</summary>
/// <param name="Code">Stable machine-readable code, e.g. <c>validation.invalid_quantity</c>.</param>
[GenerateSerializer, Immutable, Alias("AgentOps.OperationError")]
public sealed record OperationError(
    [property: Id(0)] ErrorKind Kind,
    [property: Id(1)] string Code,
    [property: Id(2)] string Message,
    [property: Id(3)] IReadOnlyDictionary<string, string>? Details = null);
