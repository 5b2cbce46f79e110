using AgentOps.Common;
using AgentOps.Governance;
using AgentOps.Web.Governance;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace AgentOps.Web.Components.Governance;

/// <summary><see cref="PolicyForm"/> in a dialog: stays open while the policy is refused, closes once it is saved.</summary>
public sealed partial class PolicyDialog
{
    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Parameter]
    public ApprovalPolicy? Policy { get; set; }

    [Parameter, EditorRequired]
    public Func<PolicyRequest, Task<OperationError?>> Save { get; set; } = default!;

    private void Saved() => Dialog.Close(DialogResult.Ok(true));

    private void Cancel() => Dialog.Cancel();
}
