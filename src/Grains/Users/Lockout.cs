namespace AgentOps.Users;

/// <summary>Exponential backoff for wrong passwords: pure, so the schedule is tested on its own.</summary>
public static class Lockout
{
    /// <summary>
    /// How long an account is locked after its <paramref name="failures"/>-th wrong password in a row: nothing below
    /// the threshold, then <paramref name="first"/>, doubling with each further failure, at most <paramref name="max"/>.
    /// </summary>
    public static TimeSpan? After(int failures, int threshold, TimeSpan first, TimeSpan max)
    {
        if (failures < threshold) return null;
        var doublings = Math.Min(failures - threshold, 30);
        var ticks = first.Ticks * (double)(1L << doublings);
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }
}
