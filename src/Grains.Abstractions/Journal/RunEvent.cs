namespace AgentOps.Journal;

/// <summary>The payload of one journal event. The eleven concrete types are the whole vocabulary of a run.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.RunEvent")]
public abstract record RunEvent;
