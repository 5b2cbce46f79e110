namespace AgentOps.Web.Http;

public static class Paging
{
    /// <summary>Checks limit/offset; returns an error for negative or oversized values.</summary>
    public static ApiErrorResult? Check(int? limit, int? offset, int maxPageSize, out int take, out int skip)
    {
        take = limit ?? maxPageSize;
        skip = offset ?? 0;
        if (take < 1 || take > maxPageSize) return ApiErrors.Validation("invalid_limit", $"limit must be between 1 and {maxPageSize}.");
        if (skip < 0) return ApiErrors.Validation("invalid_offset", "offset must not be negative.");
        return null;
    }

    public static ApiErrorResult? ParseId(string raw, string what, out Guid id) =>
        Guid.TryParse(raw, out id) ? null : ApiErrors.Validation("invalid_id", $"{what} must be a UUID.", new Dictionary<string, string> { ["id"] = raw.Length > 64 ? raw[..64] : raw });
}
