using AgentOps.Users;

namespace AgentOps.Tests.Domain;

public sealed class LockoutTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(15);

    [Theory]
    [InlineData(0, null)]
    [InlineData(4, null)]
    [InlineData(5, 1)]
    [InlineData(6, 2)]
    [InlineData(7, 4)]
    [InlineData(14, 512)]
    [InlineData(15, 900)]
    [InlineData(1000, 900)]
    public void The_lock_starts_at_the_threshold_and_doubles_with_each_failure_up_to_the_maximum(int failures, int? seconds)
    {
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, Lockout.After(failures, 5, Second, Max));
    }
}
