namespace AgentOps.Journal;

/// <summary>AGENT_THOUGHT {text_content}.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.AgentThought")]
public sealed record AgentThought([property: Id(0)] string TextContent) : RunEvent;
