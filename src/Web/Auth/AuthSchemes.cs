namespace AgentOps.Web.Auth;

public static class AuthSchemes
{
    public const string Basic = "Basic";
    public const string ServiceToken = "Bearer";
}

public static class Policies
{
    /// <summary>Any signed-in bookstore user (HTTP Basic).</summary>
    public const string User = "user";

    /// <summary>A STORE_ADMIN.</summary>
    public const string StoreAdmin = "store-admin";

    /// <summary>A service presenting the bearer token.</summary>
    public const string Service = "service";
}

public static class AgentOpsClaims
{
    public const string UserId = "sub";
    public const string Email = "email";
    public const string Role = "role";
    public const string Warehouse = "warehouse";
}
