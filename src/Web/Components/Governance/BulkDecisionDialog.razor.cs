using AgentOps.Agents;
using AgentOps.Web.Governance;
using AgentOps.Web.Users;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace AgentOps.Web.Components.Governance;

/// <summary><see cref="BulkDecisionPanel"/> in a dialog; closes with true when decisions were sent.</summary>
public sealed partial class BulkDecisionDialog
{
    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Parameter, EditorRequired]
    public IReadOnlyList<PendingApproval> Items { get; set; } = [];

    [Parameter]
    public IReadOnlyDictionary<string, Person> People { get; set; } = new Dictionary<string, Person>();

    [Parameter, EditorRequired]
    public Func<IReadOnlyList<BatchDecisionItem>, Task<IReadOnlyList<BatchItemResult>>> Decide { get; set; } = default!;

    private void Close(bool decided) => Dialog.Close(DialogResult.Ok(decided));
}
