using AgentOps.Common;
using AgentOps.Journal;

namespace AgentOps.Tests.Domain;

public sealed class StorableTextTests
{
    [Theory]
    [InlineData("plain text", true)]
    [InlineData("tab\tand newline\n are fine", true)]
    [InlineData("emoji \U0001F600 is a valid pair", true)]
    [InlineData("nul\0inside", false)]
    public void Text_is_storable_unless_it_has_a_NUL_or_an_unpaired_surrogate(string text, bool storable) =>
        Assert.Equal(storable, StorableText.IsStorable(text));

    [Fact]
    public void An_unpaired_surrogate_is_not_storable_and_is_replaced()
    {
        // Built at run time: an attribute argument cannot carry an unpaired surrogate.
        var high = "lone high " + (char)0xD800 + " surrogate";
        var low = "lone low " + (char)0xDC00;

        Assert.False(StorableText.IsStorable(high));
        Assert.False(StorableText.IsStorable(low));
        Assert.Equal("lone high \uFFFD surrogate", StorableText.Clean(high));
        Assert.Equal("lone low \uFFFD", StorableText.Clean(low));
    }

    [Fact]
    public void Planner_and_tool_text_is_cleaned_before_it_is_journaled_including_JSON_escapes()
    {
        var thought = (AgentThought)StorableEvents.Clean(new AgentThought("model said \0 here"));
        var result = (ToolResult)StorableEvents.Clean(new ToolResult("call_1", "{\"note\":\"a\\u0000b\",\"list\":[\"x\\u0000\"]}", AgentOps.Agents.ToolResultStatus.Success));

        Assert.Equal("model said \uFFFD here", thought.TextContent);
        Assert.DoesNotContain("\\u0000", result.OutputData);
        Assert.True(StorableText.IsStorable(result.OutputData));
        Assert.Contains("a\uFFFDb", System.Text.Json.JsonDocument.Parse(result.OutputData).RootElement.GetProperty("note").GetString());
    }

    [Theory]
    [InlineData("{\"a\":\"x\\u0000\"}", true)]
    [InlineData("{\"a\":\"x\\U0000\"}", true)]
    [InlineData("{\"a\":\"\\ud800\"}", true)]
    [InlineData("{\"a\":\"\\uDBFF\"}", true)]
    [InlineData("{\"a\":\"\\uDc00\"}", true)]
    [InlineData("{\"a\":\"\\udfff\"}", true)]
    [InlineData("\\ud9", true)]
    [InlineData("ends with \\u0000", true)]
    [InlineData("{\"a\":\"\\u00e9 \\ud7ff \\ue000 \\\"quoted\\\" \\n\"}", false)]
    [InlineData("{\"a\":\"\\u000\"}", false)]
    [InlineData("ends with \\u00", false)]
    [InlineData("ends with \\", false)]
    [InlineData("no escapes at all", false)]
    public void Nul_and_surrogate_escapes_are_found_in_either_case_and_nothing_else_is(string json, bool found) =>
        Assert.Equal(found, StorableEvents.HasUnstorableEscape(json));

    [Fact]
    public void Storable_events_are_left_as_they_are()
    {
        var proposed = new ToolProposed("set_stock", "{ \"quantity\": 5 }", "call_2", AgentOps.Agents.RiskClass.Dangerous);

        Assert.Same(proposed.Args, ((ToolProposed)StorableEvents.Clean(proposed)).Args);
    }
}
