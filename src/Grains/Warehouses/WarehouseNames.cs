using System.Text.RegularExpressions;

namespace AgentOps.Warehouses;

public static partial class WarehouseNames
{
    public static string Normalize(string name) => name.Trim().ToLowerInvariant();

    /// <summary>Lower-case letters, digits and dashes, 1 to 63 characters: safe in URLs and keys.</summary>
    public static bool IsValid(string? name) => name is not null && ValidName().IsMatch(name);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex ValidName();
}
