using System.Globalization;
using AgentOps.Web.Governance;
using Microsoft.AspNetCore.Components;

namespace AgentOps.Web.Components.Governance;

/// <summary>p50 and p95 time to decision as paired bars, scaled to the slowest p95 shown.</summary>
public sealed partial class DecisionTimesChart
{
    [Parameter, EditorRequired]
    public IReadOnlyDictionary<string, DecisionTimesResponse> Times { get; set; } = new Dictionary<string, DecisionTimesResponse>();

    /// <summary>How a key (a tool, an approver's e-mail) is shown.</summary>
    [Parameter]
    public Func<string, string> Label { get; set; } = key => key;

    private double Max => Math.Max(1e-9, Times.Values.Max(t => Math.Max(t.P50Seconds, t.P95Seconds)));

    private string Width(double seconds) => Math.Clamp(seconds / Max * 100, 0.5, 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    public static string Seconds(double seconds) => seconds < 60 ? $"{seconds.ToString("0.#", CultureInfo.InvariantCulture)} s"
        : seconds < 3600 ? $"{(seconds / 60).ToString("0.#", CultureInfo.InvariantCulture)} min"
        : $"{(seconds / 3600).ToString("0.#", CultureInfo.InvariantCulture)} h";
}
