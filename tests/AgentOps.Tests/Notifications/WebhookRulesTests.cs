using System.Text;
using System.Text.Json;
using AgentOps.Agents;
using AgentOps.Journal;
using AgentOps.Notifications;

namespace AgentOps.Tests.Notifications;

/// <summary>The pure parts of webhooks: signature, retry schedule, draft rules, which events are sent, the Slack body.</summary>
public sealed class WebhookRulesTests
{
    [Fact]
    public void The_signature_is_the_lowercase_hex_hmac_sha256_of_the_body_with_the_secret()
    {
        // RFC 4231, test case 2.
        Assert.Equal("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            WebhookSignature.Sign("Jefe", Encoding.ASCII.GetBytes("what do ya want for nothing?")));
    }

    [Fact]
    public void A_signature_verifies_only_for_the_same_secret_and_the_same_bytes()
    {
        var body = Encoding.UTF8.GetBytes("""{"event":"approval.requested"}""");
        var header = WebhookSignature.Sign("secret-one-0123456789", body);
        Assert.True(WebhookSignature.Verify("secret-one-0123456789", body, header));
        Assert.False(WebhookSignature.Verify("secret-two-0123456789", body, header));
        Assert.False(WebhookSignature.Verify("secret-one-0123456789", Encoding.UTF8.GetBytes("""{"event":"approval.requested" }"""), header));
        Assert.False(WebhookSignature.Verify("secret-one-0123456789", body, null));
        Assert.Equal(64, WebhookSignature.NewSecret().Length);
        Assert.NotEqual(WebhookSignature.NewSecret(), WebhookSignature.NewSecret());
    }

    [Fact]
    public void The_retry_delay_doubles_from_the_base_and_stops_at_the_maximum()
    {
        var schedule = Enumerable.Range(1, 10).Select(a => WebhookBackoff.Delay(a, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5)).TotalSeconds);
        Assert.Equal([2, 4, 8, 16, 32, 64, 128, 256, 300, 300], schedule);
        Assert.Equal(TimeSpan.FromMinutes(5), WebhookBackoff.Delay(1000, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => WebhookBackoff.Delay(0, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData("http://hooks.example.com/x", false, "validation.invalid_url")]
    [InlineData("http://hooks.example.com/x", true, null)]
    [InlineData("https://user:pw@hooks.example.com/x", false, "validation.invalid_url")]
    [InlineData("/relative", false, "validation.invalid_url")]
    [InlineData("https://hooks.example.com/x", false, null)]
    public void Plain_http_urls_need_the_setting(string url, bool allowPlainHttp, string? error)
    {
        var draft = WebhookValidation.Normalize(new WebhookDraft(url, ["approval.requested"]));
        Assert.Equal(error, WebhookValidation.Check(draft, allowPlainHttp)?.Code);
    }

    [Theory]
    [InlineData("https://127.0.0.1/x", false, "validation.invalid_url")]
    [InlineData("https://10.1.2.3/x", false, "validation.invalid_url")]
    [InlineData("https://172.20.0.5/x", false, "validation.invalid_url")]
    [InlineData("https://192.168.1.10/x", false, "validation.invalid_url")]
    [InlineData("https://169.254.169.254/latest/meta-data", false, "validation.invalid_url")]
    [InlineData("https://[::1]/x", false, "validation.invalid_url")]
    [InlineData("https://[fd00::1]/x", false, "validation.invalid_url")]
    [InlineData("https://[::ffff:10.0.0.1]/x", false, "validation.invalid_url")]
    [InlineData("https://localhost:8443/x", false, "validation.invalid_url")]
    [InlineData("https://hooks.localhost/x", false, "validation.invalid_url")]
    [InlineData("https://93.184.216.34/x", false, null)]
    [InlineData("https://[2606:2800:220:1::1]/x", false, null)]
    [InlineData("https://127.0.0.1/x", true, null)]
    [InlineData("https://localhost:8443/x", true, null)]
    public void Urls_naming_a_private_address_need_the_setting(string url, bool allowPrivateNetworks, string? error)
    {
        var draft = WebhookValidation.Normalize(new WebhookDraft(url, ["approval.requested"]));
        Assert.Equal(error, WebhookValidation.Check(draft, allowPlainHttp: false, allowPrivateNetworks)?.Code);
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("2001:4860:4860::8888", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("127.0.0.53", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.0.0.8", false)]
    [InlineData("198.18.0.1", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::", false)]
    [InlineData("fe80::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("::ffff:192.168.0.1", false)]
    public void Only_public_addresses_are_reachable_by_default(string address, bool isPublic) =>
        Assert.Equal(isPublic, WebhookAddressGuard.IsPublic(System.Net.IPAddress.Parse(address)));

    [Fact]
    public void Events_are_normalized_and_kept_in_their_canonical_order()
    {
        var draft = WebhookValidation.Normalize(new WebhookDraft(" https://hooks.example.com/x ", ["RUN.FAILED", "approval.requested", "run.failed"], " Slack "));
        Assert.Null(WebhookValidation.Check(draft, false));
        Assert.Equal("https://hooks.example.com/x", draft.Url);
        Assert.Equal("slack", draft.Format);
        Assert.Equal(["approval.requested", "run.failed"], WebhookValidation.Ordered(draft.Events).ToArray());
    }

    [Fact]
    public void Only_approval_requests_escalations_decisions_and_fatal_errors_are_webhook_events()
    {
        Assert.Equal(WebhookEvents.ApprovalRequested, WebhookPayloads.EventOf(new RunSuspended("approval", null, "c1", DateTimeOffset.UtcNow)));
        Assert.Null(WebhookPayloads.EventOf(new RunSuspended("waiting for a child run", Guid.NewGuid(), null, null)));
        Assert.Equal(WebhookEvents.ApprovalEscalated, WebhookPayloads.EventOf(new ApprovalEscalated("c1", 1, null)));
        foreach (var decision in new[] { ApprovalDecision.Approved, ApprovalDecision.Rejected, ApprovalDecision.Expired })
            Assert.Equal(WebhookEvents.ApprovalDecided, WebhookPayloads.EventOf(new RunResumed(decision, null, "c1", "x", null)));
        Assert.Null(WebhookPayloads.EventOf(new RunResumed(ApprovalDecision.ChildEnded, null, "c1", "system", null)));
        Assert.Equal(WebhookEvents.RunFailed, WebhookPayloads.EventOf(new SystemError("boom", Fatal: true)));
        Assert.Null(WebhookPayloads.EventOf(new SystemError("retrying", Fatal: false)));
        Assert.Null(WebhookPayloads.EventOf(new AgentThought("thinking")));
    }

    [Fact]
    public void A_slack_webhook_gets_a_text_message_naming_the_tool_and_the_run()
    {
        var payload = """{"event":"approval.requested","run_id":"r-1","agent_type":"inventory","call_id":"c-1","tool_name":"set_stock","args":{"quantity":33},"requested_by":"admin@bookstore.com"}""";
        using var body = JsonDocument.Parse(WebhookPayloads.Slack(payload));
        var text = body.RootElement.GetProperty("text").GetString()!;
        Assert.Single(body.RootElement.EnumerateObject());
        Assert.Contains("Approval requested", text);
        Assert.Contains("`set_stock` {\"quantity\":33}", text);
        Assert.Contains("run r-1 (inventory)", text);
        Assert.Contains("admin@bookstore.com", text);
    }
}
