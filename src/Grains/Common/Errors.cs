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

    public static OperationError Unavailable(string code, string message, IReadOnlyDictionary<string, string>? details = null) =>
        new(ErrorKind.Unavailable, code, message, details);
}
