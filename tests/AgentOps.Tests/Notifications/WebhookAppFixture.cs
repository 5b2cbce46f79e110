using AgentOps.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace AgentOps.Tests.Notifications;

/// <summary>
/// The front door of <see cref="WebAppFixture"/> with its webhook dispatcher polling every 100 ms and retrying after
/// 200 ms, and plain http and private networks allowed for the local receivers.
/// </summary>
public sealed class WebhookAppFixture : WebAppFixture
{
    protected override string Name => "webhooks";

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("AgentOps:Webhooks:AllowPlainHttp", "true");
        builder.UseSetting("AgentOps:Webhooks:AllowPrivateNetworks", "true");
        builder.UseSetting("AgentOps:Webhooks:PollInterval", "00:00:00.100");
        builder.UseSetting("AgentOps:Webhooks:RetryBaseDelay", "00:00:00.200");
    }
}

[CollectionDefinition(Name)]
public sealed class WebhookAppCollection : ICollectionFixture<WebhookAppFixture>
{
    public const string Name = "webhook app";
}
