namespace AgentOps.Web.Auth;

public static class AuthSchemes
{
    public const string Basic = "Basic";
    public const string ServiceToken = "Bearer";

    /// <summary>The web UI's sign-in cookie.</summary>
    public const string Cookie = "Cookie";

    /// <summary>Picks Basic, Bearer or the cookie from the request, so every part of the app sees its user.</summary>
    public const string Auto = "Auto";
}

public static class Policies
{
    /// <summary>Any signed-in bookstore user (HTTP Basic).</summary>
    public const string User = "user";

    /// <summary>A STORE_ADMIN.</summary>
    public const string StoreAdmin = "store-admin";

    /// <summary>A service presenting the bearer token.</summary>
    public const string Service = "service";

    /// <summary>A STORE_ADMIN by cookie (browser) or Basic: operator tools such as the Orleans Dashboard.</summary>
    public const string OpsAdmin = "ops-admin";

    /// <summary>A user signed in to the web UI (cookie).</summary>
    public const string UiUser = "ui-user";
}

public static class AgentOpsClaims
{
    public const string UserId = "sub";
    public const string Email = "email";
    public const string Role = "role";
    public const string Warehouse = "warehouse";

    /// <summary>The user's security stamp when the identity was issued; a session with an older one is signed out.</summary>
    public const string SecurityStamp = "stamp";
}
