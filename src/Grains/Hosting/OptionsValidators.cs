using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentOps.Hosting;

public sealed class StorageOptionsValidator : IValidateOptions<AgentOpsStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOpsStorageOptions options) =>
        options.Provider == StorageProvider.Postgres && string.IsNullOrWhiteSpace(options.ConnectionString)
            ? ValidateOptionsResult.Fail("AgentOps:Postgres (the PostgreSQL connection string) is required when AgentOps:Storage:Provider is Postgres.")
            : ValidateOptionsResult.Success;
}

public sealed class ClusterOptionsValidator : IValidateOptions<AgentOpsClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOpsClusterOptions options)
    {
        var failures = new List<string>();
        if (options.DirectoryCacheSize < 1) failures.Add($"{AgentOpsClusterOptions.Section}:DirectoryCacheSize must be at least 1.");
        if (options.MissedProbesLimit < 1) failures.Add($"{AgentOpsClusterOptions.Section}:MissedProbesLimit must be at least 1.");
        if (options.ProbeTimeout <= TimeSpan.Zero) failures.Add($"{AgentOpsClusterOptions.Section}:ProbeTimeout must be positive.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public sealed class BookstoreOptionsValidator : IValidateOptions<BookstoreOptions>
{
    public ValidateOptionsResult Validate(string? name, BookstoreOptions o)
    {
        var failures = new List<string>();
        Positive(o.HealthCheckPeriod, nameof(o.HealthCheckPeriod));
        Positive(o.HealthCheckTimeout, nameof(o.HealthCheckTimeout));
        Positive(o.ReconciliationPeriod, nameof(o.ReconciliationPeriod));
        Positive(o.OrderResumePeriod, nameof(o.OrderResumePeriod));
        Positive(o.ShipmentTimeout, nameof(o.ShipmentTimeout));
        Positive(o.CacheFlushPeriod, nameof(o.CacheFlushPeriod));
        Positive(o.OperationRetention, nameof(o.OperationRetention));
        if (o.MaxOrderLines < 1) failures.Add("MaxOrderLines must be at least 1.");
        if (o.MaxQuantityPerLine < 1) failures.Add("MaxQuantityPerLine must be at least 1.");
        if (o.MaxStockPerBook < 1) failures.Add("MaxStockPerBook must be at least 1.");
        if (o.OpsEventCapacity < 10) failures.Add("OpsEventCapacity must be at least 10.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Positive(TimeSpan value, string setting)
        {
            if (value <= TimeSpan.Zero) failures.Add($"{BookstoreOptions.Section}:{setting} must be positive.");
        }
    }
}

public sealed class SeedOptionsValidator : IValidateOptions<SeedOptions>
{
    public ValidateOptionsResult Validate(string? name, SeedOptions o) =>
        o.Books is < 0 or > 1_000_000 ? ValidateOptionsResult.Fail("AgentOps:Seed:Books must be between 0 and 1,000,000.")
        : o.InitialStock < 0 ? ValidateOptionsResult.Fail("AgentOps:Seed:InitialStock must not be negative.")
        : ValidateOptionsResult.Success;
}

/// <summary>Production must not run with the development token or the seed's well-known passwords.</summary>
public sealed class SecurityOptionsValidator(IHostEnvironment environment, IOptions<SeedOptions> seed) : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.ServiceToken) || o.ServiceToken.Length < 12)
            return ValidateOptionsResult.Fail("AgentOps:Security:ServiceToken must be at least 12 characters.");
        if (o.BcryptWorkFactor is < 4 or > 16)
            return ValidateOptionsResult.Fail("AgentOps:Security:BcryptWorkFactor must be between 4 and 16.");
        if (o.LockoutThreshold < 1)
            return ValidateOptionsResult.Fail("AgentOps:Security:LockoutThreshold must be at least 1.");
        if (o.LockoutDuration <= TimeSpan.Zero || o.MaxLockoutDuration < o.LockoutDuration)
            return ValidateOptionsResult.Fail("AgentOps:Security:LockoutDuration must be positive and at most MaxLockoutDuration.");
        if (o.CredentialCacheDuration < TimeSpan.Zero || o.StampRecheckInterval < TimeSpan.Zero || o.CookieRevalidationInterval <= TimeSpan.Zero)
            return ValidateOptionsResult.Fail("AgentOps:Security:CredentialCacheDuration and StampRecheckInterval must not be negative, and CookieRevalidationInterval must be positive.");
        // A longer reuse would let a password or role changed through another web process live on that long.
        if (o.StampRecheckInterval > SecurityOptions.MaxStampRecheckInterval)
            return ValidateOptionsResult.Fail($"AgentOps:Security:StampRecheckInterval may be at most {SecurityOptions.MaxStampRecheckInterval}.");
        if (environment.IsProduction())
        {
            if (o.ServiceToken == SecurityOptions.DevelopmentServiceToken)
                return ValidateOptionsResult.Fail("Production refuses the development service token: set AgentOps__Security__ServiceToken.");
            if (seed.Value.Enabled && seed.Value.SeedUsers)
                return ValidateOptionsResult.Fail("Production refuses to seed users with the well-known default passwords: set AgentOps__Seed__SeedUsers=false.");
        }
        return ValidateOptionsResult.Success;
    }
}
