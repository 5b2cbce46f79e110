using System.Text.Json;
using AgentOps.Agents;
using AgentOps.Web.Governance;
using AgentOps.Web.Users;
using Microsoft.AspNetCore.Components;

namespace AgentOps.Web.Components.Governance;

/// <summary>
/// The preview of a bulk decision: what each selected call would do (tool, arguments, run), one feedback for all,
/// then Approve all or Reject all, and each call's own outcome (ok, conflict, forbidden…) — one failing call does not
/// stop the others.
/// </summary>
public sealed partial class BulkDecisionPanel
{
    [Parameter, EditorRequired]
    public IReadOnlyList<PendingApproval> Items { get; set; } = [];

    [Parameter]
    public IReadOnlyDictionary<string, Person> People { get; set; } = new Dictionary<string, Person>();

    /// <summary>Decides the items (in order) and answers one result per item.</summary>
    [Parameter, EditorRequired]
    public Func<IReadOnlyList<BatchDecisionItem>, Task<IReadOnlyList<BatchItemResult>>> Decide { get; set; } = default!;

    /// <summary>The panel is done; true when decisions were sent.</summary>
    [Parameter]
    public EventCallback<bool> OnClose { get; set; }

    private string? _feedback;
    private bool _busy;
    private IReadOnlyList<BatchItemResult>? _results;

    private string Summary
    {
        get
        {
            var ok = _results!.Count(r => r.Status == 200);
            return $"{ok} decided, {_results!.Count - ok} not decided.";
        }
    }

    private async Task DecideAsync(ApprovalDecision decision)
    {
        _busy = true;
        try
        {
            var name = decision == ApprovalDecision.Approved ? "approved" : "rejected";
            var feedback = string.IsNullOrWhiteSpace(_feedback) ? null : _feedback.Trim();
            _results = await Decide([.. Items.Select(i => new BatchDecisionItem(i.RunId, i.CallId, name, feedback, null))]);
        }
        finally
        {
            _busy = false;
        }
    }

    private BatchItemResult? ResultOf(PendingApproval item) =>
        _results?.FirstOrDefault(r => r.RunId == item.RunId && r.CallId == item.CallId);

    private Task CloseAsync() => OnClose.InvokeAsync(_results is not null);

    private string PersonText(string? email) => email is null ? "a service" : People.TryGetValue(email, out var person) ? person.ToString() : email;

    public static string StatusName(int status) => status switch
    {
        200 => "ok",
        400 => "invalid",
        403 => "forbidden",
        404 => "not found",
        409 => "conflict",
        _ => $"failed ({status})",
    };

    private static string Compact(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "…";
}
