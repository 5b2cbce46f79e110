using AgentOps.Common;
using AgentOps.Notifications;
using AgentOps.Web.Auth;
using Microsoft.AspNetCore.Components.Authorization;
using System.Security.Claims;

namespace AgentOps.Web.Notifications;

/// <summary>What the Notifications page does with webhooks, through the Orleans client; STORE_ADMIN is checked here, on the server.</summary>
public sealed class WebhooksUiService(IClusterClient client, AuthenticationStateProvider authentication)
{
    private IWebhookRegistryGrain Registry => client.GetGrain<IWebhookRegistryGrain>(0);

    public async Task<IReadOnlyList<Webhook>> ListAsync()
    {
        await AdminAsync();
        return await Registry.ListAsync();
    }

    public async Task<WebhookCreated> CreateAsync(WebhookDraft draft) => await Registry.CreateAsync(draft, await AdminAsync());

    public async Task<OperationError?> DeleteAsync(Guid id) => await Registry.DeleteAsync(id, await AdminAsync());

    public async Task<WebhookDeliveriesResult> DeliveriesAsync(Guid id, int limit, int offset)
    {
        await AdminAsync();
        return await Registry.ListDeliveriesAsync(id, limit, offset);
    }

    /// <summary>The admin's name for the record; throws for anyone else (the page is STORE_ADMIN only, this is the backstop).</summary>
    private async Task<string> AdminAsync()
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        if (!user.IsStoreAdmin()) throw new UnauthorizedAccessException("Webhooks are for STORE_ADMINs.");
        return user.FindFirstValue(AgentOpsClaims.Email) ?? user.Id().ToString();
    }
}
