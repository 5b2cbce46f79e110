namespace AgentOps.Notifications;

/// <summary>When a failed delivery is tried again: the base delay, doubled per further failure, capped at the maximum.</summary>
public static class WebhookBackoff
{
    /// <param name="failedAttempts">Attempts made so far, all failed (at least 1).</param>
    public static TimeSpan Delay(int failedAttempts, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        // Past 2^30 the product overflows long before any sane cap: the cap applies anyway.
        var exponent = Math.Min(failedAttempts - 1, 30);
        var ticks = baseDelay.Ticks * (double)(1L << exponent);
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
