using AgentOps.Agents;
using AgentOps.Web.Agents;
using Microsoft.AspNetCore.Components;

namespace AgentOps.Web.Components.Agents;

public enum DecisionMode
{
    Approve,
    Edit,
    Reject,
}

/// <summary>What the approver decided in the dialog.</summary>
public sealed record DecisionRequest(ApprovalDecision Decision, string? Feedback, string? EditedArgs);

/// <summary>
/// Approve, edit-then-approve or reject one pending call. Edited arguments are checked against the tool's schema
/// as they are typed (the run checks them again), and a rejection needs feedback for the agent.
/// </summary>
public sealed partial class DecisionForm
{
    [Parameter, EditorRequired]
    public PendingApproval Approval { get; set; } = default!;

    [Parameter]
    public DecisionMode Mode { get; set; }

    /// <summary>Checks edited arguments (tool name, JSON) and returns the problems.</summary>
    [Parameter]
    public Func<string, string, IReadOnlyList<string>> Validate { get; set; } = (_, _) => [];

    [Parameter]
    public EventCallback<DecisionRequest> OnSubmit { get; set; }

    [Parameter]
    public EventCallback OnCancel { get; set; }

    /// <summary>An error from the last attempt (e.g. the call was decided elsewhere).</summary>
    [Parameter]
    public string? Error { get; set; }

    private string _args = "";
    private string? _feedback;
    private IReadOnlyList<string> _problems = [];

    private string Title => Mode switch
    {
        DecisionMode.Edit => $"Edit and approve {Approval.ToolName}",
        DecisionMode.Reject => $"Reject {Approval.ToolName}",
        _ => $"Approve {Approval.ToolName}",
    };

    private string ConfirmText => Mode == DecisionMode.Reject ? "Reject" : "Approve";

    private bool CanSubmit => Mode switch
    {
        DecisionMode.Edit => _problems.Count == 0,
        DecisionMode.Reject => !string.IsNullOrWhiteSpace(_feedback),
        _ => true,
    };

    protected override void OnParametersSet()
    {
        if (_args.Length == 0) _args = Pretty(Approval.Args);
    }

    private void ArgsChanged(string value)
    {
        _args = value;
        _problems = Validate(Approval.ToolName, value);
    }

    private async Task SubmitAsync()
    {
        if (!CanSubmit) return;
        var request = Mode switch
        {
            DecisionMode.Reject => new DecisionRequest(ApprovalDecision.Rejected, _feedback?.Trim(), null),
            DecisionMode.Edit => new DecisionRequest(ApprovalDecision.Approved, _feedback?.Trim(), _args),
            _ => new DecisionRequest(ApprovalDecision.Approved, _feedback?.Trim(), null),
        };
        await OnSubmit.InvokeAsync(request);
    }

    private Task CancelAsync() => OnCancel.InvokeAsync();

    private static string Pretty(string json)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            return System.Text.Json.JsonSerializer.Serialize(document.RootElement, new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        }
        catch (System.Text.Json.JsonException)
        {
            return json;
        }
    }
}
