using System.Security.Claims;
using AgentOps.Agents;
using AgentOps.Agents.Tools;
using AgentOps.Tests.Infrastructure;
using AgentOps.Web.Agents;
using AgentOps.Users;
using AgentOps.Web.Auth;
using AgentOps.Web.Components.Agents;
using AgentOps.Web.Governance;
using AgentOps.Web.Users;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace AgentOps.Tests.Ui;

/// <summary>The approvals inbox against the real cluster: paged, with the true count, and the UI's starts limited like the API's.</summary>
[Collection(GuardedWebAppCollection.Name)]
public sealed class ApprovalsInboxTests(GuardedWebAppFixture app) : IAsyncLifetime
{
    private readonly BunitContext _bunit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _bunit.DisposeAsync();

    private AgentsUiService UiServiceFor(ClaimsPrincipal user)
    {
        _bunit.Services.AddMudServices();
        _bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        var auth = new FixedAuthentication(user);
        var service = new AgentsUiService(app.Services.GetRequiredService<IClusterClient>(), auth,
            app.Services.GetRequiredService<AgentCatalog>(), app.Services.GetRequiredService<ToolRegistry>(), app.Services.GetRequiredService<RunLauncher>());
        _bunit.Services.AddSingleton<AuthenticationStateProvider>(auth);
        _bunit.Services.AddSingleton(service);
        _bunit.Services.AddSingleton(new PeopleDirectory(app.Services.GetRequiredService<IClusterClient>()));
        _bunit.Services.AddSingleton(app.Services.CreateScope().ServiceProvider.GetRequiredService<GovernanceService>());
        return service;
    }

    private static ClaimsPrincipal Customer(string userId) => new(new ClaimsIdentity(
        [new Claim(AgentOpsClaims.UserId, userId), new Claim(AgentOpsClaims.Email, $"{userId}@customer.com"), new Claim(AgentOpsClaims.Role, RoleNames.Customer)],
        AuthSchemes.Cookie, AgentOpsClaims.Email, AgentOpsClaims.Role));

    [Fact]
    public async Task More_than_500_waiting_calls_are_counted_and_reachable_page_by_page()
    {
        var userId = Guid.NewGuid().ToString();
        var seeded = await SeededRuns.PendingApprovalsAsync(app.Services, userId, 505);
        UiServiceFor(Customer(userId));

        var cut = _bunit.Render<ApprovalsPage>();

        cut.WaitForAssertion(() => Assert.Equal("505 waiting", cut.Find("[data-testid=pending-count]").TextContent.Trim()), TimeSpan.FromSeconds(10));
        Assert.Equal(ApprovalsPage.PageSize, cut.FindAll("[data-testid=approval]").Count);
        Assert.Equal($"1–{ApprovalsPage.PageSize} of 505, oldest first", cut.Find("[data-testid=inbox-range]").TextContent.Trim());

        // The last page holds the newest five.
        var lastPage = cut.FindAll("[data-testid=inbox-pages] button").Single(b => b.TextContent.Trim() == "26");
        await cut.InvokeAsync(() => lastPage.Click());
        cut.WaitForAssertion(() => Assert.Equal(5, cut.FindAll("[data-testid=approval]").Count), TimeSpan.FromSeconds(10));
        Assert.Equal("501–505 of 505, oldest first", cut.Find("[data-testid=inbox-range]").TextContent.Trim());
        Assert.Equal(seeded.TakeLast(5).Order(), cut.FindAll("[data-testid=approval]").Select(a => a.GetAttribute("data-call-id")!).Order());
    }

    [Fact]
    public async Task The_new_task_page_is_held_to_the_same_limits_as_the_api()
    {
        var userId = Guid.NewGuid().ToString();
        await SeededRuns.PendingApprovalsAsync(app.Services, userId, GuardedWebAppFixture.MaxPendingApprovalsPerUser);
        var service = UiServiceFor(Customer(userId));

        var (runId, error) = await service.StartAsync("reconcile inventory", "inventory");

        Assert.Null(runId);
        Assert.Contains("waiting for approval", error);
    }

    private sealed class FixedAuthentication(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}
