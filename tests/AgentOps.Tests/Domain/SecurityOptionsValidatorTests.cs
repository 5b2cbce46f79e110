using AgentOps.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentOps.Tests.Domain;

public sealed class SecurityOptionsValidatorTests
{
    private static readonly SecurityOptionsValidator Validator = new(new Environment(Environments.Development), Options.Create(new SeedOptions()));

    [Fact]
    public void The_defaults_are_valid() => Assert.True(Validator.Validate(null, new SecurityOptions()).Succeeded);

    [Theory]
    [InlineData("00:00:00", true)]
    [InlineData("00:01:00", true)]
    [InlineData("00:01:00.001", false)]
    [InlineData("-00:00:01", false)]
    public void The_stamp_recheck_interval_is_between_zero_and_one_minute(string interval, bool valid) =>
        Assert.Equal(valid, Validator.Validate(null, new SecurityOptions { StampRecheckInterval = TimeSpan.Parse(interval) }).Succeeded);

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "tests";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
