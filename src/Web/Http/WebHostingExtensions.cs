using AgentOps.Catalog;
using AgentOps.Hosting;
using AgentOps.Web.Agents;
using AgentOps.Web.Governance;
using AgentOps.Web.Auth;
using AgentOps.Web.Bookstore;
using AgentOps.Web.Components;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;
using AgentOps.Observability;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans.Dashboard;
using AgentOps.Web.Catalog;
using AgentOps.Web.Inventory;
using AgentOps.Web.Notifications;
using AgentOps.Web.Orders;
using AgentOps.Web.Users;
using AgentOps.Web.Warehouses;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Json;
using AgentOps.Users;

namespace AgentOps.Web.Http;

public static class WebHostingExtensions
{
    /// <summary>The web tier: Orleans (co-hosted silo or client), JSON, auth, errors, OpenAPI.</summary>
    public static WebApplicationBuilder AddAgentOpsWeb(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        // In Development, MapStaticAssets adds a fallback route that asks the disk whether wwwroot holds a file at the
        // request's path, for every request (one lstat per API call, ~2 % of the CPU under load). All our assets are
        // in the build manifest, so the fallback serves nothing; it stays off unless configured.
        configuration["DisableStaticAssetNotFoundRuntimeFallback"] ??= "true";
        builder.Services.AddAgentOpsOptions(configuration);
        var coHost = configuration.GetSection(AgentOpsClusterOptions.Section).Get<AgentOpsClusterOptions>()?.CoHostSilo ?? true;
        if (coHost)
        {
            builder.UseOrleans(silo => silo.AddAgentOpsSilo(configuration));
        }
        else
        {
            builder.UseOrleansClient(client => client.AddAgentOpsClient(configuration));
        }

        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section);
        builder.Services.Configure<JsonOptions>(o => ApiJson.Configure(o.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddProblemDetails();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<CredentialVerifier>();
        builder.Services.AddSingleton<RunLauncher>();
        builder.Services.AddSingleton<StockView>();
        builder.Services.AddSingleton<CatalogReadCache>();
        builder.Services.AddAgentOpsAgents(configuration);
        builder.Services.AddAgentOpsRateLimits();

        builder.Services.AddAuthentication(AuthSchemes.Auto)
            .AddPolicyScheme(AuthSchemes.Auto, "Basic, Bearer or the UI cookie", o => o.ForwardDefaultSelector = SelectScheme)
            .AddScheme<AuthenticationSchemeOptions, BasicAuthenticationHandler>(AuthSchemes.Basic, null)
            .AddScheme<AuthenticationSchemeOptions, ServiceTokenHandler>(AuthSchemes.ServiceToken, null)
            .AddCookie(AuthSchemes.Cookie, o =>
            {
                o.LoginPath = "/login";
                o.AccessDeniedPath = "/login";
                o.Cookie.Name = "agentops.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = SessionRevalidation.ValidateCookieAsync;
            });
        builder.Services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(AuthSchemes.Cookie).RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.UiUser, p => p.AddAuthenticationSchemes(AuthSchemes.Cookie).RequireAuthenticatedUser())
            .AddPolicy(Policies.OpsAdmin, p => p.AddAuthenticationSchemes(AuthSchemes.Cookie, AuthSchemes.Basic).RequireAssertion(c => AccessRules.MayOperateStore(c.User.ToRequester())))
            .AddPolicy(Policies.User, p => p.AddAuthenticationSchemes(AuthSchemes.Basic).RequireAuthenticatedUser())
            // Store operations: the same rule the agent tools ask (AccessRules), so a run can do no more than its requester.
            .AddPolicy(Policies.StoreAdmin, p => p.AddAuthenticationSchemes(AuthSchemes.Basic).RequireAssertion(c => AccessRules.MayOperateStore(c.User.ToRequester())))
            .AddPolicy(Policies.Service, p => p.AddAuthenticationSchemes(AuthSchemes.ServiceToken).RequireAuthenticatedUser());

        builder.Services.AddOpenApi();
        var observability = configuration.ReadObservability();
        builder.Services.AddAgentOpsObservability(configuration, "agentops-web",
            metrics =>
            {
                metrics.AddAspNetCoreInstrumentation();
                if (observability.Prometheus) metrics.AddPrometheusExporter();
            },
            tracing => tracing.AddAspNetCoreInstrumentation());
        builder.Services.AddHostedService<ApprovalsGaugeSampler>();

        // The approvers' web UI: Blazor interactive server rendering with MudBlazor.
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevalidatingAuthenticationStateProvider>();
        builder.Services.AddMudServices();
        builder.Services.AddScoped<AgentsUiService>();
        builder.Services.AddScoped<BookstoreUiService>();
        builder.Services.AddScoped<Users.PeopleDirectory>();
        // The governance pages share their paths with the governance API (/agents/policies, /agents/grants, /agents/audit).
        builder.Services.AddOptions<Governance.ActionLinkOptions>().BindConfiguration(Governance.ActionLinkOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<Governance.ActionLinkOptions>, Governance.ActionLinkOptionsValidator>();
        builder.Services.AddSingleton<Governance.ActionLinkSigner>();
        builder.Services.AddScoped<Governance.GovernanceService>();
        builder.Services.AddScoped<WebhooksUiService>();
        return builder;
    }

    public static WebApplication MapAgentOpsWeb(this WebApplication app)
    {
        app.UseMiddleware<RequestLimitsMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages(context =>
            context.HttpContext.Response.StatusCode switch
            {
                404 => ApiErrors.WriteAsync(context.HttpContext, 404, "resource.not_found", "No such resource."),
                405 => ApiErrors.WriteAsync(context.HttpContext, 405, "validation.method_not_allowed", "This method is not allowed here."),
                413 => ApiErrors.WriteAsync(context.HttpContext, 413, "validation.body_too_large", "The request body is too large."),
                415 => ApiErrors.WriteAsync(context.HttpContext, 415, "validation.unsupported_media_type", "Send the body as application/json."),
                var status => ApiErrors.WriteAsync(context.HttpContext, status, status >= 500 ? "internal.error" : "validation.bad_request", "The request failed."),
            });
        // Before authentication: a refused sign-in attempt costs no password hash.
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        var observability = app.Configuration.ReadObservability();
        if (observability.Dashboard) app.UseMiddleware<DashboardGuard>(observability);
        app.UseAntiforgery();

        app.MapOpenApi();
        app.MapHealthApi();
        app.MapAuthApi();
        app.MapCatalogApi();
        app.MapOrdersApi();
        app.MapInventoryApi();
        app.MapWarehousesApi();
        app.MapAgentsApi();
        app.MapGovernanceApi();
        app.MapWebhooksApi();

        if (observability.Prometheus)
        {
            app.MapPrometheusScrapingEndpoint(observability.PrometheusPath, meterProvider: null,
                configureBranchedPipeline: branch => branch.UseMiddleware<MetricsGuard>(observability), optionsName: null);
        }
        if (observability.Dashboard)
        {
            app.MapOrleansDashboard(observability.DashboardPath).RequireAuthorization(Policies.OpsAdmin);
        }

        app.MapStaticAssets();
        app.MapAccountEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    private static string SelectScheme(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return AuthSchemes.Basic;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthSchemes.ServiceToken;
        return AuthSchemes.Cookie;
    }
}
