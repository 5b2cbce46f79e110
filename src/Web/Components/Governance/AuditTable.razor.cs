using System.Text.Json.Nodes;
using AgentOps.Governance;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace AgentOps.Web.Components.Governance;

/// <summary>Audit rows with their shortened hashes, and the outcome of the last chain check (the broken row marked).</summary>
public sealed partial class AuditTable
{
    [Parameter, EditorRequired]
    public IReadOnlyList<AuditRecord> Rows { get; set; } = [];

    /// <summary>The last chain check; null before one was asked for.</summary>
    [Parameter]
    public AuditVerification? Verification { get; set; }

    private sealed record RowFields(string At, string Tool, string DecidedBy, string? ArgsHash);

    private static RowFields Fields(AuditRecord row)
    {
        try
        {
            var record = JsonNode.Parse(row.Record)!.AsObject();
            string? Text(string name) => record[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
            var at = Text("at") is { } iso && DateTimeOffset.TryParse(iso, System.Globalization.CultureInfo.InvariantCulture, out var time)
                ? time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss") : "—";
            var hash = Text("executed_args_hash") ?? Text("approved_args_hash") ?? Text("proposed_args_hash");
            return new RowFields(at, Text("tool_name") ?? "—", Text("decided_by") ?? "—", hash);
        }
        catch (Exception)
        {
            // A row changed by hand may not even be JSON; the chain check names it, the table still shows it.
            return new RowFields("—", "—", "(unreadable record)", null);
        }
    }

    public static string Short(string? hash) => hash is null ? "—" : hash.Length <= 12 ? hash : hash[..12] + "…";

    private static Color KindColor(string kind) => kind switch
    {
        "approved" or "executed" => Color.Success,
        "rejected" or "expired" => Color.Error,
        "escalated" or "precondition_changed" => Color.Warning,
        _ => Color.Info,
    };
}
