namespace AgentOps.Common;

/// <summary>
/// Ids of rows that are only ever added (orders, runs, journal events): RFC 9562 version 7, whose leading bits are the
/// time. PostgreSQL's B-tree indexes on them then grow at their right edge; random (version 4) ids put each insert on
/// a random page of an index that soon outgrows shared_buffers, and the insert rate fell as the tables grew. They are
/// no secret: who may read an order or a run is checked on every request, never inferred from its id.
/// </summary>
public static class TimeOrderedIds
{
    public static Guid New() => Guid.CreateVersion7();
}
