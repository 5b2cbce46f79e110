using AgentOps.Agents;
using AgentOps.Governance;

namespace AgentOps.Tests.Governance;

/// <summary>Which rule decides a call: the pure evaluator the policy grain uses.</summary>
public sealed class PolicyEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static ApprovalRequest Restart(string name) => new("restart_warehouse", $$"""{"name":"{{name}}"}""", "warehouse-ops", RiskClass.Dangerous, "call_1");

    private static ApprovalPolicy Policy(PolicyEffect effect, string? rule = null, int priority = 0, int approvers = 1, string? tool = "restart_warehouse", int age = 0) =>
        new(Guid.NewGuid(), 1, new PolicyDraft($"{effect} {priority}", effect, tool, null, null, rule, approvers, ["STORE_ADMIN"], null, priority, "frozen"),
            "admin@bookstore.com", Now.AddMinutes(-age), Now.AddMinutes(-age));

    private const string Beta = """{"type":"object","properties":{"name":{"enum":["beta"]}},"required":["name"]}""";

    [Fact]
    public void A_matching_auto_approve_policy_approves_and_says_which_policy_decided()
    {
        var policy = Policy(PolicyEffect.AutoApprove, Beta);
        var verdict = PolicyEvaluator.Evaluate([policy], Restart("beta"));
        Assert.Equal(PolicyEffect.AutoApprove, verdict.Effect);
        Assert.Equal(policy.Id, verdict.PolicyId);
        Assert.Equal($"policy:{policy.Id}", verdict.DecidedBy);
        Assert.Contains("matched tool restart_warehouse, its argument rule", verdict.Explanation);
    }

    [Fact]
    public void No_matching_policy_means_a_person_must_approve()
    {
        var verdict = PolicyEvaluator.Evaluate([Policy(PolicyEffect.AutoApprove, Beta)], Restart("alpha"));
        Assert.Equal(PolicyEffect.Require, verdict.Effect);
        Assert.Null(verdict.PolicyId);
        Assert.Null(verdict.DecidedBy);
        Assert.Equal(1, verdict.Requirement!.Needed);
    }

    [Fact]
    public void A_rule_whose_evaluation_throws_fails_closed_to_require()
    {
        var policy = Policy(PolicyEffect.AutoApprove, Beta);
        var verdict = PolicyEvaluator.Evaluate([policy], Restart("beta"), (_, _) => throw new InvalidOperationException("boom"));
        Assert.Equal(PolicyEffect.Require, verdict.Effect);
        Assert.Equal(policy.Id, verdict.PolicyId);
        Assert.Contains("could not be evaluated (boom); failing closed", verdict.Explanation);
        // Strictly: the requester may not approve, and no grant stands in.
        Assert.True(verdict.Requirement!.SeparateDuties);
        var grant = new StandingGrant(Guid.NewGuid(), new GrantDraft("restart_warehouse", MaxUses: 5), 0, "ops@bookstore.com", Now);
        Assert.Empty(PolicyEvaluator.GrantCandidates(verdict, [grant], Restart("beta"), Now));
    }

    [Fact]
    public void A_grant_does_not_approve_its_own_creators_calls_under_separation_of_duties()
    {
        var policy = Policy(PolicyEffect.Require);
        var verdict = PolicyEvaluator.Evaluate([policy], Restart("beta"));
        var grant = new StandingGrant(Guid.NewGuid(), new GrantDraft("restart_warehouse", MaxUses: 5), 0, "carol@bookstore.test", Now);
        Assert.Empty(PolicyEvaluator.GrantCandidates(verdict, [grant], Restart("beta") with { RequestedBy = "Carol@Bookstore.test" }, Now));
        Assert.Single(PolicyEvaluator.GrantCandidates(verdict, [grant], Restart("beta") with { RequestedBy = "alice@customer.com" }, Now));
    }

    [Fact]
    public void A_stored_rule_that_is_not_a_schema_fails_closed_with_the_real_library()
    {
        var verdict = PolicyEvaluator.Evaluate([Policy(PolicyEffect.AutoApprove, "{not json")], Restart("beta"));
        Assert.Equal(PolicyEffect.Require, verdict.Effect);
        Assert.Contains("failing closed", verdict.Explanation);
    }

    [Fact]
    public void Higher_priority_decides_first_and_equal_priorities_go_oldest_first()
    {
        var deny = Policy(PolicyEffect.Deny, priority: 10);
        var approve = Policy(PolicyEffect.AutoApprove, priority: 5);
        Assert.Equal(deny.Id, PolicyEvaluator.Evaluate([approve, deny], Restart("beta")).PolicyId);
        var older = Policy(PolicyEffect.AutoApprove, age: 10);
        var newer = Policy(PolicyEffect.Deny, age: 1);
        Assert.Equal(older.Id, PolicyEvaluator.Evaluate([newer, older], Restart("beta")).PolicyId);
    }

    [Fact]
    public void A_deleted_policy_matches_nothing() =>
        Assert.Equal(PolicyEffect.Require, PolicyEvaluator.Evaluate([Policy(PolicyEffect.AutoApprove) with { Deleted = true }], Restart("beta")).Effect);

    [Fact]
    public void A_require_policy_names_its_quorum_and_separates_duties()
    {
        var verdict = PolicyEvaluator.Evaluate([Policy(PolicyEffect.Require, approvers: 2)], Restart("beta"));
        Assert.Equal(2, verdict.Requirement!.Needed);
        Assert.True(verdict.Requirement.SeparateDuties);
        Assert.False(PolicyEvaluator.Evaluate([], Restart("beta")).Requirement!.SeparateDuties);
    }

    [Fact]
    public void Grants_approve_only_what_people_would_decide_alone_and_only_while_active()
    {
        var grant = new StandingGrant(Guid.NewGuid(), new GrantDraft("restart_warehouse", Beta, MaxUses: 2), 0, "admin@bookstore.com", Now);
        var open = PolicyEvaluator.Evaluate([], Restart("beta"));
        Assert.Single(PolicyEvaluator.GrantCandidates(open, [grant], Restart("beta"), Now));
        Assert.Empty(PolicyEvaluator.GrantCandidates(open, [grant], Restart("alpha"), Now));
        Assert.Empty(PolicyEvaluator.GrantCandidates(open, [grant with { Uses = 2 }], Restart("beta"), Now));
        Assert.Empty(PolicyEvaluator.GrantCandidates(open, [grant with { RevokedAt = Now }], Restart("beta"), Now));
        var expiring = grant with { Grant = grant.Grant with { ExpiresAt = Now.AddSeconds(1) } };
        Assert.Single(PolicyEvaluator.GrantCandidates(open, [expiring], Restart("beta"), Now));
        Assert.Empty(PolicyEvaluator.GrantCandidates(open, [expiring], Restart("beta"), Now.AddSeconds(1)));
        // A deny is not overridden, and one admin's grant does not stand in for a quorum.
        Assert.Empty(PolicyEvaluator.GrantCandidates(PolicyEvaluator.Evaluate([Policy(PolicyEffect.Deny)], Restart("beta")), [grant], Restart("beta"), Now));
        Assert.Empty(PolicyEvaluator.GrantCandidates(PolicyEvaluator.Evaluate([Policy(PolicyEffect.Require, approvers: 2)], Restart("beta")), [grant], Restart("beta"), Now));
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"x":{"$ref":"https://example.com/schema.json"}}}""", "points outside the rule")]
    [InlineData("[1,2]", "must be a JSON Schema")]
    [InlineData("""{"properties":{"name":{"const":"beta"}}}""", "'const' is not supported")]
    [InlineData("{\"type\":", "not a usable JSON Schema")]
    public void Unusable_rules_are_refused_before_they_are_stored(string rule, string problem) =>
        Assert.Contains(problem, ArgsRules.Problem(rule));
}
