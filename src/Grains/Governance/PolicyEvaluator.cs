using System.Collections.Immutable;
using System.Globalization;
using AgentOps.Agents;
using AgentOps.Journal;

namespace AgentOps.Governance;

/// <summary>
/// Which policy decides a call, as a pure function the grain and the tests share. Policies are tried in priority
/// order (higher first, then older first); the first that matches decides. It fails closed: when no policy matches,
/// or a policy's rule cannot be evaluated, the call requires a person.
/// </summary>
public static class PolicyEvaluator
{
    public const string StoreAdmin = "STORE_ADMIN";

    /// <summary>Decides by policy alone; a require (or no match) may still be approved by a grant, see <see cref="GrantCandidates"/>.</summary>
    public static ApprovalVerdict Evaluate(IEnumerable<ApprovalPolicy> policies, ApprovalRequest request, Func<string, string, bool>? ruleMatches = null)
    {
        ruleMatches ??= ArgsRules.Matches;
        foreach (var policy in Ordered(policies))
        {
            var rule = policy.Rule;
            if (rule.ToolName is { } tool && !string.Equals(tool, request.ToolName, StringComparison.Ordinal)) continue;
            if (rule.Risk is { } risk && risk != request.Risk) continue;
            if (rule.AgentType is { } agent && !string.Equals(agent, request.AgentType, StringComparison.Ordinal)) continue;
            if (rule.ArgsRule is { } argsRule)
            {
                bool matches;
                try
                {
                    matches = ruleMatches(argsRule, request.Args);
                }
                catch (Exception e)
                {
                    var why = $"The argument rule of policy \"{rule.Name}\" ({policy.Id}, v{policy.Version}) could not be evaluated ({e.Message}); failing closed: a person must approve.";
                    return FailClosed(why, policy.Id, rule.Approvers);
                }
                if (!matches) continue;
            }
            var explanation = Explain(policy, request);
            return rule.Effect switch
            {
                PolicyEffect.AutoApprove => new ApprovalVerdict(PolicyEffect.AutoApprove, policy.Id, null, explanation, null),
                PolicyEffect.Deny => new ApprovalVerdict(PolicyEffect.Deny, policy.Id, null, explanation, null),
                _ => new ApprovalVerdict(PolicyEffect.Require, policy.Id, null, explanation, new ApprovalRequirement(
                    Math.Max(1, rule.Approvers), RolesOf(rule), SeparateDuties: true, policy.Id, explanation, rule.RespondWithin)),
            };
        }
        var none = $"No policy matches {request.ToolName}; by default a person (STORE_ADMIN) must approve.";
        return new ApprovalVerdict(PolicyEffect.Require, null, null, none, Default(none));
    }

    /// <summary>
    /// The grants that may approve a call the policies left to people, oldest first. A grant is one admin's standing
    /// approval: it never overrides a deny, and never stands in for a quorum of two or more.
    /// </summary>
    public static IEnumerable<StandingGrant> GrantCandidates(
        ApprovalVerdict verdict, IEnumerable<StandingGrant> grants, ApprovalRequest request, DateTimeOffset now, Func<string, string, bool>? ruleMatches = null)
    {
        ruleMatches ??= ArgsRules.Matches;
        if (verdict.Effect != PolicyEffect.Require || verdict.FailedClosed || verdict.Requirement is { Needed: > 1 }) yield break;
        foreach (var grant in grants.Where(g => g.IsActive(now) && g.Grant.ToolName == request.ToolName).OrderBy(g => g.CreatedAt))
        {
            // Under separation of duties, a grant its own creator's runs would use is self-approval by another name.
            if (verdict.Requirement is { SeparateDuties: true } && request.RequestedBy is { } requester
                && string.Equals(grant.CreatedBy, requester, StringComparison.OrdinalIgnoreCase)) continue;
            bool matches;
            try
            {
                matches = grant.Grant.ArgsRule is not { } rule || ruleMatches(rule, request.Args);
            }
            catch (Exception)
            {
                matches = false; // fail closed: a grant whose rule cannot be read approves nothing
            }
            if (matches) yield return grant;
        }
    }

    public static ApprovalVerdict Granted(StandingGrant grant, ApprovalRequest request)
    {
        var uses = grant.Grant.MaxUses is { } max ? $" ({grant.Uses} of {max} uses taken)" : "";
        var until = grant.Grant.ExpiresAt is { } expires ? $", until {expires.ToString("O", CultureInfo.InvariantCulture)}" : "";
        return new ApprovalVerdict(PolicyEffect.AutoApprove, null, grant.Id,
            $"Standing grant {grant.Id} by {grant.CreatedBy} allows {request.ToolName}{uses}{until}.", null);
    }

    /// <summary>
    /// When a rule cannot be evaluated: people decide, as strictly as the policy that failed asked for at least, with
    /// separation of duties, and no grant may stand in.
    /// </summary>
    public static ApprovalVerdict FailClosed(string why, Guid? policyId = null, int approvers = 1) =>
        new(PolicyEffect.Require, policyId, null, why, new ApprovalRequirement(Math.Max(1, approvers), [StoreAdmin], SeparateDuties: true, policyId, why), FailedClosed: true);

    /// <summary>The rule when no policy decides: one STORE_ADMIN, who may be the requester (the behaviour before policies).</summary>
    public static ApprovalRequirement Default(string explanation) => new(1, [StoreAdmin], SeparateDuties: false, null, explanation);

    public static IEnumerable<ApprovalPolicy> Ordered(IEnumerable<ApprovalPolicy> policies) =>
        policies.Where(p => !p.Deleted).OrderByDescending(p => p.Rule.Priority).ThenBy(p => p.CreatedAt).ThenBy(p => p.Id);

    private static ImmutableArray<string> RolesOf(PolicyDraft rule) => rule.Roles.IsDefaultOrEmpty ? [StoreAdmin] : rule.Roles;

    private static string Explain(ApprovalPolicy policy, ApprovalRequest request)
    {
        var rule = policy.Rule;
        var matched = new List<string> { rule.ToolName is null ? "any tool" : $"tool {rule.ToolName}" };
        if (rule.Risk is { } risk) matched.Add($"risk {JournalCodec.Name(risk)}");
        if (rule.AgentType is { } agent) matched.Add($"agent {agent}");
        if (rule.ArgsRule is not null) matched.Add("its argument rule");
        var effect = rule.Effect switch
        {
            PolicyEffect.AutoApprove => "approved automatically",
            PolicyEffect.Deny => $"denied{(rule.Reason is { } reason ? $": {reason}" : "")}",
            _ => $"needs {Math.Max(1, rule.Approvers)} approval(s) by {string.Join(" or ", RolesOf(rule))}",
        };
        return $"Policy \"{rule.Name}\" ({policy.Id}, v{policy.Version}, priority {rule.Priority}) matched {string.Join(", ", matched)} for {request.ToolName}: {effect}.";
    }
}
