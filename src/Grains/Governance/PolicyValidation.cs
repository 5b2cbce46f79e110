using AgentOps.Common;

namespace AgentOps.Governance;

/// <summary>What a policy or grant must be before it is stored; the API, the UI and the grain share these checks.</summary>
public static class PolicyValidation
{
    public const int MaxNameLength = 120;
    public const int MaxRuleLength = 8000;
    public const int MaxApprovers = 10;

    public static OperationError? Check(PolicyDraft draft, ICollection<string> tools, ICollection<string> agentTypes)
    {
        if (string.IsNullOrWhiteSpace(draft.Name) || draft.Name.Length > MaxNameLength)
            return Errors.Validation("invalid_name", $"name is required and may have at most {MaxNameLength} characters.");
        if (!Enum.IsDefined(draft.Effect)) return Errors.Validation("invalid_effect", "effect must be auto_approve, require or deny.");
        if (draft.ToolName is { } tool && !tools.Contains(tool)) return Errors.Validation("unknown_tool", $"Unknown tool_name '{tool}'.");
        if (draft.AgentType is { } agent && !agentTypes.Contains(agent)) return Errors.Validation("unknown_agent_type", $"Unknown agent_type '{agent}'.");
        if (draft.Risk is { } risk && !Enum.IsDefined(risk)) return Errors.Validation("invalid_risk", "risk must be safe, dangerous or delegation.");
        if (draft.Approvers < 1 || draft.Approvers > MaxApprovers) return Errors.Validation("invalid_approvers", $"approvers must be 1 to {MaxApprovers}.");
        if (!draft.Roles.IsDefault && draft.Roles.Any(r => string.IsNullOrWhiteSpace(r) || r.Length > 64))
            return Errors.Validation("invalid_roles", "roles must be role names such as STORE_ADMIN.");
        if (draft.RespondWithin is { } within && (within < TimeSpan.FromSeconds(1) || within > TimeSpan.FromDays(30)))
            return Errors.Validation("invalid_respond_within", "respond_within must be between 1 second and 30 days.");
        if (draft.Reason is { Length: > 500 }) return Errors.Validation("invalid_reason", "reason may have at most 500 characters.");
        return CheckRule(draft.ArgsRule);
    }

    public static OperationError? Check(GrantDraft draft, ICollection<string> tools, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(draft.ToolName) || !tools.Contains(draft.ToolName))
            return Errors.Validation("unknown_tool", $"Unknown tool_name '{draft.ToolName}'.");
        if (draft.MaxUses is < 1) return Errors.Validation("invalid_max_uses", "max_uses must be at least 1.");
        if (draft.ExpiresAt is { } expires && expires <= now) return Errors.Validation("invalid_expires_at", "expires_at must be in the future.");
        if (draft.MaxUses is null && draft.ExpiresAt is null)
            return Errors.Validation("unbounded_grant", "A grant needs max_uses, expires_at or both: standing grants do not last for ever.");
        if (draft.Reason is { Length: > 500 }) return Errors.Validation("invalid_reason", "reason may have at most 500 characters.");
        return CheckRule(draft.ArgsRule);
    }

    private static OperationError? CheckRule(string? rule)
    {
        if (rule is null) return null;
        if (rule.Length > MaxRuleLength) return Errors.Validation("invalid_args_rule", $"args_rule may have at most {MaxRuleLength} characters.");
        return ArgsRules.Problem(rule) is { } problem ? Errors.Validation("invalid_args_rule", problem) : null;
    }
}
