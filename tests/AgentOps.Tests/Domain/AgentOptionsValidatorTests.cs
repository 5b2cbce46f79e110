using AgentOps.Hosting;

namespace AgentOps.Tests.Domain;

public sealed class AgentOptionsValidatorTests
{
    private static readonly AgentOptionsValidator Validator = new();

    [Fact]
    public void The_defaults_are_valid() => Assert.True(Validator.Validate(null, new AgentOptions()).Succeeded);

    [Fact]
    public void A_zero_step_turn_budget_is_valid_it_means_one_step_per_turn() =>
        Assert.True(Validator.Validate(null, new AgentOptions { StepTurnBudget = TimeSpan.Zero }).Succeeded);

    [Theory]
    [InlineData(-1)]
    [InlineData(10_001)]
    public void A_step_turn_budget_out_of_range_is_named(int milliseconds)
    {
        var result = Validator.Validate(null, new AgentOptions { StepTurnBudget = TimeSpan.FromMilliseconds(milliseconds) });
        Assert.Equal(["AgentOps:Agents:StepTurnBudget must be between 00:00:00 and 00:00:10."], result.Failures);
    }
}
