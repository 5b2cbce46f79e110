namespace AgentOps.Hosting;

/// <summary>Marks a setting that is a secret: it is never logged or shown.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RedactAttribute : Attribute;
