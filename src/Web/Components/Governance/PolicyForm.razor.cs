using System.Text.Json;
using AgentOps.Common;
using AgentOps.Governance;
using AgentOps.Journal;
using AgentOps.Web.Governance;
using Microsoft.AspNetCore.Components;

namespace AgentOps.Web.Components.Governance;

/// <summary>
/// Creates or edits a policy. The rules live in <see cref="GovernanceService"/> and the policy grain; this form only
/// turns its fields into a <see cref="PolicyRequest"/> and shows the refusal (message and details) it gets back.
/// </summary>
public sealed partial class PolicyForm
{
    /// <summary>The policy to edit; null for a new one.</summary>
    [Parameter]
    public ApprovalPolicy? Policy { get; set; }

    /// <summary>Saves the request; answers the error, or null when it was saved.</summary>
    [Parameter, EditorRequired]
    public Func<PolicyRequest, Task<OperationError?>> Save { get; set; } = default!;

    [Parameter]
    public EventCallback OnSaved { get; set; }

    [Parameter]
    public EventCallback OnCancel { get; set; }

    private string? _name;
    private string _effect = "require";
    private int _priority;
    private string? _tool;
    private string _risk = "";
    private string? _agent;
    private string? _argsRule;
    private int _approvers = 1;
    private string? _roles;
    private double? _respondWithin;
    private string? _reason;
    private string? _error;
    private IReadOnlyList<string> _problems = [];
    private bool _busy;
    private ApprovalPolicy? _loaded;

    protected override void OnParametersSet()
    {
        if (Policy is null || ReferenceEquals(Policy, _loaded)) return;
        _loaded = Policy;
        var rule = Policy.Rule;
        _name = rule.Name;
        _effect = JournalCodec.Name(rule.Effect);
        _priority = rule.Priority;
        _tool = rule.ToolName;
        _risk = rule.Risk is { } risk ? JournalCodec.Name(risk) : "";
        _agent = rule.AgentType;
        _argsRule = rule.ArgsRule;
        _approvers = rule.Approvers;
        _roles = rule.Roles.IsDefaultOrEmpty ? null : string.Join(", ", rule.Roles);
        _respondWithin = rule.RespondWithin?.TotalSeconds;
        _reason = rule.Reason;
    }

    private async Task SaveAsync()
    {
        _error = null;
        _problems = [];
        JsonElement? argsRule = null;
        if (!string.IsNullOrWhiteSpace(_argsRule))
        {
            try
            {
                using var document = JsonDocument.Parse(_argsRule);
                argsRule = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                _error = $"The argument rule is not valid JSON: {e.Message}";
                return;
            }
        }
        var require = _effect == "require";
        var request = new PolicyRequest(_name?.Trim(), _effect, Blank(_tool), Blank(_risk), Blank(_agent), argsRule,
            require ? _approvers : null,
            require && Blank(_roles) is { } roles ? [.. roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : null,
            require ? _respondWithin : null, _priority, Blank(_reason), Policy?.Version);
        _busy = true;
        try
        {
            if (await Save(request) is { } error)
            {
                _error = error.Message;
                _problems = error.Details?.Select(d => $"{d.Key}: {d.Value}").ToList() ?? [];
                return;
            }
        }
        finally
        {
            _busy = false;
        }
        await OnSaved.InvokeAsync();
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
