using AgentOps.Agents;
using AgentOps.Common;
using AgentOps.Governance;
using AgentOps.Web.Components.Agents;
using AgentOps.Web.Components.Governance;
using AgentOps.Web.Governance;
using AgentOps.Web.Users;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace AgentOps.Tests.Ui;

/// <summary>bunit tests of the governance views: quorum in the inbox, bulk decisions, policies, grants, the audit and analytics.</summary>
public sealed class GovernanceComponentTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, Person> People = new(StringComparer.OrdinalIgnoreCase)
    {
        ["admin@bookstore.com"] = new("Store Admin", "admin@bookstore.com"),
        ["ops@bookstore.com"] = new("Ops Admin", "ops@bookstore.com"),
    };

    private readonly BunitContext _bunit = new();

    public GovernanceComponentTests()
    {
        _bunit.Services.AddMudServices();
        _bunit.JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _bunit.DisposeAsync();

    private static PendingApproval Approval(string callId, string tool = "restart_warehouse", string args = """{"name":"beta"}""") =>
        new(Guid.NewGuid(), Guid.NewGuid(), "warehouse-ops", callId, tool, args, RiskClass.Dangerous, Now.AddSeconds(-90), Now.AddHours(24),
            "Warehouse beta is offline.", Guid.NewGuid().ToString(), RequestedBy: "ops@bookstore.com");

    [Fact]
    public void A_quorum_call_shows_its_progress_who_approved_when_its_escalation_deadline_and_rule()
    {
        var policy = Guid.NewGuid();
        var item = Approval("call_q") with
        {
            Needed = 2,
            Given = [new ApprovalVote("admin@bookstore.com", Now.AddSeconds(-30))],
            EscalationLevel = 1,
            EscalateAt = Now.AddMinutes(5),
            PolicyId = policy,
            Explanation = "Policy 'two-person restarts' requires 2 approvals.",
        };

        var cut = _bunit.Render<ApprovalList>(p => p.Add(x => x.Items, [item]).Add(x => x.CanDecide, true).Add(x => x.Now, Now).Add(x => x.People, People));

        Assert.Equal("1 of 2 approvals", cut.Find("[data-testid=quorum]").TextContent.Trim());
        Assert.Equal("approved by Store Admin (admin@bookstore.com) at 2026-11-22 11:59:30 UTC.", cut.Find(".approval-given").TextContent.Trim());
        Assert.Equal("escalation level 1", cut.Find("[data-testid=escalation]").TextContent.Trim());
        Assert.Equal("Respond by 2026-11-22 12:05:00 UTC (in 5 min)", Normalize(cut.Find("[data-testid=deadline]").TextContent));
        Assert.Equal($"Why: Policy 'two-person restarts' requires 2 approvals. · policy {policy.ToString()[..8]}", Normalize(cut.Find("[data-testid=approval-rule]").TextContent));
        Assert.Equal("Ops Admin (ops@bookstore.com)", cut.Find("[data-testid=requested-by]").TextContent);
    }

    [Fact]
    public void A_call_needing_one_approval_shows_no_quorum_and_a_call_without_a_policy_says_the_default_rule_asked()
    {
        var cut = _bunit.Render<ApprovalList>(p => p.Add(x => x.Items, [Approval("call_1")]).Add(x => x.CanDecide, true).Add(x => x.Now, Now));

        Assert.Empty(cut.FindAll("[data-testid=quorum]"));
        Assert.Empty(cut.FindAll("[data-testid=escalation]"));
        Assert.Empty(cut.FindAll("[data-testid=deadline]"));
        Assert.Equal("Why: No policy matched: dangerous calls wait for one STORE_ADMIN.", Normalize(cut.Find("[data-testid=approval-rule]").TextContent));
        // Without a name at hand the e-mail is shown, never the user id.
        Assert.Equal("ops@bookstore.com", cut.Find("[data-testid=requested-by]").TextContent);
    }

    [Fact]
    public void Ticking_a_call_reports_its_key_and_only_selectable_lists_have_checkboxes()
    {
        var item = Approval("call_s");
        (string Key, bool Selected)? change = null;
        var cut = _bunit.Render<ApprovalList>(p => p.Add(x => x.Items, [item]).Add(x => x.CanDecide, true).Add(x => x.Selectable, true)
            .Add(x => x.OnSelect, ((string Key, bool Selected) c) => change = c));

        cut.Find("input[data-testid=select]").Change(true);
        Assert.Equal((ApprovalList.KeyOf(item), true), change);

        var plain = _bunit.Render<ApprovalList>(p => p.Add(x => x.Items, [item]).Add(x => x.CanDecide, true));
        Assert.Empty(plain.FindAll("[data-testid=select]"));
    }

    [Fact]
    public async Task The_bulk_preview_lists_each_selected_call_then_shows_each_outcome()
    {
        var first = Approval("call_a", "restart_warehouse", """{"name":"alpha"}""");
        var second = Approval("call_b", "set_stock", """{"warehouse":"beta","quantity":5}""");
        IReadOnlyList<BatchDecisionItem>? sent = null;
        bool? closed = null;
        var cut = _bunit.Render<BulkDecisionPanel>(p => p
            .Add(x => x.Items, [first, second])
            .Add(x => x.People, People)
            .Add(x => x.Decide, items =>
            {
                sent = items;
                return Task.FromResult<IReadOnlyList<BatchItemResult>>(
                [
                    new BatchItemResult(first.RunId, "call_a", 200, null, null),
                    new BatchItemResult(second.RunId, "call_b", 409, "state.conflict", "Call call_b is not the pending call."),
                ]);
            })
            .Add(x => x.OnClose, (bool decided) => closed = decided));

        Assert.Equal("2 selected calls", cut.Find("[data-testid=bulk-title]").TextContent.Trim());
        var rows = cut.FindAll("[data-testid=bulk-item]");
        Assert.Equal(["call_a", "call_b"], rows.Select(r => r.GetAttribute("data-call-id")));
        Assert.Equal("restart_warehouse", rows[0].QuerySelector("b")!.TextContent);
        Assert.Equal("""{"warehouse":"beta","quantity":5}""", rows[1].QuerySelector("code")!.TextContent);
        Assert.Contains(first.RootRunId.ToString()[..8], rows[0].TextContent);
        Assert.Contains("Ops Admin (ops@bookstore.com)", rows[0].TextContent);
        Assert.Empty(cut.FindAll("[data-testid=bulk-result]"));

        cut.Find(".bulk-feedback textarea").Change("weekly maintenance");
        await cut.InvokeAsync(() => cut.Find("[data-testid=bulk-approve]").Click());

        Assert.Equal([(first.RunId, "call_a", "approved", "weekly maintenance"), (second.RunId, "call_b", "approved", "weekly maintenance")],
            sent!.Select(i => (i.RunId!.Value, i.CallId!, i.Decision!, i.Feedback!)));
        Assert.Equal(["ok", "conflict"], cut.FindAll("[data-testid=bulk-result]").Select(c => c.TextContent.Trim()));
        Assert.Equal("Call call_b is not the pending call.", cut.Find("[data-testid=bulk-message]").TextContent);
        Assert.Equal("1 decided, 1 not decided.", cut.Find("[data-testid=bulk-summary]").TextContent.Trim());
        cut.Find("[data-testid=bulk-close]").Click();
        Assert.True(closed);
    }

    [Fact]
    public async Task Reject_all_sends_rejections()
    {
        var item = Approval("call_r");
        IReadOnlyList<BatchDecisionItem>? sent = null;
        var cut = _bunit.Render<BulkDecisionPanel>(p => p.Add(x => x.Items, [item]).Add(x => x.Decide, items =>
        {
            sent = items;
            return Task.FromResult<IReadOnlyList<BatchItemResult>>([new BatchItemResult(item.RunId, "call_r", 403, "auth.forbidden", "Separation of duties.")]);
        }));

        await cut.InvokeAsync(() => cut.Find("[data-testid=bulk-reject]").Click());

        Assert.Equal("rejected", Assert.Single(sent!).Decision);
        Assert.Null(sent![0].Feedback);
        Assert.Equal("forbidden", cut.Find("[data-testid=bulk-result]").TextContent.Trim());
    }

    [Fact]
    public void Verify_names_the_first_broken_sequence_and_marks_its_row()
    {
        var rows = Enumerable.Range(1, 3).Select(i => new AuditRecord(i, Guid.NewGuid(), $"call_{i}", "approved",
            $$"""{"kind":"approved","tool_name":"restart_warehouse","at":"2026-11-22T11:0{{i}}:00.0000000+00:00","decided_by":"admin@bookstore.com","proposed_args_hash":"abcdef0123456789abcdef"}""",
            $"prev{i}0123456789abcdef", $"hash{i}0123456789abcdef")).ToList();

        var cut = _bunit.Render<AuditTable>(p => p.Add(x => x.Rows, rows)
            .Add(x => x.Verification, new AuditVerification(false, 2, 2, "its hash does not match its contents (the row was changed)")));

        Assert.Equal("2", cut.Find("[data-testid=broken-sequence]").TextContent);
        Assert.Equal("The chain is broken at sequence 2: its hash does not match its contents (the row was changed) (2 rows checked).",
            Normalize(cut.Find("[data-testid=verify-result]").TextContent));
        Assert.Equal(["2"], cut.FindAll("tr.audit-broken").Select(r => r.GetAttribute("data-sequence")));
        var first = cut.FindAll("[data-testid=audit-row]")[0].QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal(["1", "2026-11-22 11:01:00", "approved", "restart_warehouse"], first.Take(4));
        Assert.Equal("admin@bookstore.com", first[5]);
        Assert.Equal(["abcdef012345…", "prev10123456…", "hash10123456…"], first.Skip(6));
    }

    [Fact]
    public void A_holding_chain_says_so()
    {
        var cut = _bunit.Render<AuditTable>(p => p.Add(x => x.Rows, []).Add(x => x.Verification, new AuditVerification(true, 7, null, null)));
        Assert.Equal("The chain holds: 7 rows checked.", cut.Find("[data-testid=verify-result]").TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-testid=broken-sequence]"));
    }

    [Fact]
    public void Policies_are_listed_in_evaluation_order_with_effect_matchers_and_approvers()
    {
        ApprovalPolicy Policy(string name, PolicyDraft rule) => new(Guid.NewGuid(), 3, rule with { Name = name }, "admin@bookstore.com", Now, Now);
        var cut = _bunit.Render<PolicyTable>(p => p.Add(x => x.Policies,
        [
            Policy("two-person", new PolicyDraft("", PolicyEffect.Require, "restart_warehouse", Approvers: 2, Roles: ["STORE_ADMIN"], RespondWithin: TimeSpan.FromMinutes(10), Priority: 10)),
            Policy("beta ok", new PolicyDraft("", PolicyEffect.AutoApprove, "restart_warehouse", ArgsRule: """{"properties":{"name":{"const":"beta"}}}""")),
            Policy("no stock", new PolicyDraft("", PolicyEffect.Deny, Risk: RiskClass.Dangerous, AgentType: "inventory")),
        ]));

        var rows = cut.FindAll("[data-testid=policy]");
        Assert.Equal(["auto_approve", "deny", "require"], rows.Select(r => r.QuerySelector("[data-testid=policy-effect]")!.TextContent.Trim()).Order());
        Assert.Equal(["two-person", "beta ok", "no stock"], rows.Select(r => r.QuerySelector("[data-testid=policy-name]")!.TextContent));
        Assert.Equal("require", rows[0].QuerySelector("[data-testid=policy-effect]")!.TextContent.Trim());
        Assert.Equal("2 of STORE_ADMIN", rows[0].QuerySelector("[data-testid=policy-approvers]")!.TextContent);
        Assert.Equal("respond within 10 min", rows[0].QuerySelector("[data-testid=policy-within]")!.TextContent);
        Assert.Equal("any tool · dangerous · inventory", rows[2].QuerySelector("[data-testid=policy-matchers]")!.TextContent);
        Assert.Equal("""{"properties":{"name":{"const":"beta"}}}""", rows[1].QuerySelector(".policy-args-rule")!.TextContent);
    }

    [Fact]
    public async Task A_refused_policy_shows_the_services_error_and_its_details_and_bad_json_is_caught_before_sending()
    {
        var sent = new List<PolicyRequest>();
        var saved = false;
        var cut = RenderWithPopovers<PolicyForm>(p => p
            .Add(x => x.Save, request =>
            {
                sent.Add(request);
                return Task.FromResult<OperationError?>(new OperationError(ErrorKind.Validation, "invalid_args_rule", "args_rule is not a valid JSON Schema.",
                    new Dictionary<string, string> { ["args_rule"] = "type must be a string or an array" }));
            })
            .Add(x => x.OnSaved, () => saved = true));

        cut.Find(".policy-name input").Change("two-person");
        cut.Find(".policy-args textarea").Change("{not json");
        await cut.InvokeAsync(() => cut.Find("[data-testid=save-policy]").Click());
        Assert.StartsWith("The argument rule is not valid JSON", cut.Find("[data-testid=policy-error]").TextContent.Trim());
        Assert.Empty(sent);

        cut.Find(".policy-args textarea").Change("""{"type":5}""");
        await cut.InvokeAsync(() => cut.Find("[data-testid=save-policy]").Click());
        var request = Assert.Single(sent);
        Assert.Equal(("two-person", "require", 1), (request.Name, request.Effect, request.Approvers));
        Assert.Equal("""{"type":5}""", request.ArgsRule!.Value.GetRawText());
        Assert.Equal("args_rule is not a valid JSON Schema.", cut.Find(".policy-error-message").TextContent);
        Assert.Equal("args_rule: type must be a string or an array", cut.Find(".policy-problem").TextContent);
        Assert.False(saved);
    }

    [Fact]
    public void Grants_show_uses_of_max_expiry_and_state_and_only_active_ones_can_be_revoked()
    {
        var active = new StandingGrant(Guid.NewGuid(), new GrantDraft("restart_warehouse", MaxUses: 3, ExpiresAt: Now.AddDays(1)), 1, "admin@bookstore.com", Now.AddHours(-1));
        var usedUp = new StandingGrant(Guid.NewGuid(), new GrantDraft("set_stock", MaxUses: 2), 2, "ops@bookstore.com", Now.AddHours(-2));
        var revoked = new StandingGrant(Guid.NewGuid(), new GrantDraft("set_stock"), 0, "ops@bookstore.com", Now.AddHours(-3), Now.AddMinutes(-5), "admin@bookstore.com");
        StandingGrant? revoking = null;

        var cut = _bunit.Render<GrantTable>(p => p.Add(x => x.Grants, [active, usedUp, revoked]).Add(x => x.Now, Now)
            .Add(x => x.OnRevoke, (StandingGrant g) => revoking = g));

        var rows = cut.FindAll("[data-testid=grant]");
        Assert.Equal(["1 of 3", "2 of 2", "0 (no limit)"], rows.Select(r => r.QuerySelector("[data-testid=grant-uses]")!.TextContent));
        Assert.Equal(["active", "used up", "revoked by admin@bookstore.com 2026-11-22 11:55"], rows.Select(r => r.QuerySelector("[data-testid=grant-state]")!.TextContent.Trim()));
        Assert.Contains("2026-11-23 12:00 UTC", rows[0].TextContent);
        Assert.Single(cut.FindAll("[data-testid=grant-revoke]"));
        cut.Find("[data-testid=grant-revoke]").Click();
        Assert.Equal(active.Id, revoking?.Id);
    }

    [Fact]
    public void Analytics_show_the_periods_cards_and_a_bar_per_tool_and_approver()
    {
        var stats = new ApprovalStatsResponse(Now.AddDays(-7), Now, 10, 6, 3, 1, 0, 4, 0.6, 0.3, 0.1, 2, 5,
            new Dictionary<string, DecisionTimesResponse> { ["restart_warehouse"] = new(6, 12, 40), ["set_stock"] = new(4, 90, 300) },
            new Dictionary<string, DecisionTimesResponse> { ["admin@bookstore.com"] = new(6, 20, 200) },
            new Dictionary<string, double> { ["5d0c5a4e-0000-4000-8000-000000000001"] = 0.75 });

        var cut = _bunit.Render<ApprovalStatsView>(p => p.Add(x => x.Stats, stats).Add(x => x.People, People)
            .Add(x => x.PolicyNames, new Dictionary<string, string> { ["5d0c5a4e-0000-4000-8000-000000000001"] = "beta ok" }));

        string Card(string id) => cut.Find($"[data-testid={id}] .stat-value").TextContent.Trim();
        Assert.Equal(("10", "60%", "30%", "10%"), (Card("stat-decisions"), Card("stat-approval-rate"), Card("stat-rejection-rate"), Card("stat-expiry-rate")));
        Assert.Equal(("4", "2", "5"), (Card("stat-auto-approved"), Card("stat-escalations"), Card("stat-waiting")));
        var tools = cut.FindAll("[data-testid=chart-by-tool] [data-testid=decision-times]");
        Assert.Equal(["set_stock", "restart_warehouse"], tools.Select(t => t.GetAttribute("data-name")));
        Assert.Equal("set_stock — p50 1.5 min, p95 5 min (4)", tools[0].QuerySelector("p")!.TextContent.Trim());
        Assert.Equal("beta ok — 75%", cut.Find("[data-testid=auto-share] p").TextContent.Trim());
        Assert.Equal("Store Admin (admin@bookstore.com) — p50 20 s, p95 3.3 min (6)",
            cut.Find("[data-testid=chart-by-approver] [data-testid=decision-times] p").TextContent.Trim());
    }

    private IRenderedComponent<T> RenderWithPopovers<T>(Action<ComponentParameterCollectionBuilder<T>> parameters) where T : Microsoft.AspNetCore.Components.IComponent
    {
        _bunit.Render<MudPopoverProvider>();
        return _bunit.Render(parameters);
    }

    private static string Normalize(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").Trim();
}
