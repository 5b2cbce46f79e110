using System.Text.Json;
using AgentOps.Governance;

namespace AgentOps.Agents.Tools;

/// <summary>Checks tool arguments (JSON text) the same way everywhere: the run grain, the API and the UI editor.</summary>
public static class ToolArguments
{
    public static List<string> Validate(IAgentTool? tool, string args)
    {
        if (tool is null) return ["unknown tool"];
        try
        {
            using var document = JsonDocument.Parse(args);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return ["arguments must be a JSON object"];
            return [.. ArgsRules.Problems(ArgsRules.Compile(tool.Schema.GetRawText()), document.RootElement)];
        }
        catch (JsonException e)
        {
            return [$"arguments are not valid JSON: {e.Message}"];
        }
    }
}
