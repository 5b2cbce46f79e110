using AgentOps.Common;
using AgentOps.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;

namespace AgentOps.Users;

/// <summary>
/// One user (or one e-mail nobody registered: the lockout applies to those as well, so it tells nothing). The count
/// of wrong passwords lives in this activation, the only one in the cluster: every web process and Basic, login and
/// UI sign-in share it. It is not persisted; a locked account's activation is kept alive for the lock's length.
/// </summary>
public sealed class UserGrain(
    [PersistentState("user", StorageNames.Store)] IPersistentState<UserState> state,
    IPasswordHasher hasher,
    IOptions<SecurityOptions> security,
    TimeProvider clock,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    private int _failures;
    private DateTimeOffset _lockedUntil;

    public async Task<UserResult> RegisterAsync(NewUser user)
    {
        if (UserRules.Validate(user) is { } invalid) return new UserResult(null, invalid);
        var email = UserRules.NormalizeEmail(user.Email);
        if (email != this.GetPrimaryKeyString()) return new UserResult(null, Errors.Validation("invalid_email", "The e-mail does not match this user."));
        // Hashed before the existence check: registering a taken e-mail costs the same time as a new one.
        var hash = hasher.Hash(user.Password);
        if (state.State.Profile is not null) return new UserResult(null, Errors.Conflict("A user with this e-mail already exists."));

        state.State.Profile = UserRules.NewProfile(user, clock.GetUtcNow());
        state.State.PasswordHash = hash;
        state.State.SecurityStamp = 1;
        await state.WriteOrDiscardAsync(GrainContext, logger);
        return new UserResult(state.State.Profile, null);
    }

    public Task<SignInResult> SignInAsync(string password)
    {
        var now = clock.GetUtcNow();
        if (_lockedUntil > now) return Task.FromResult(new SignInResult(null, 0, _lockedUntil - now));

        var ok = !string.IsNullOrEmpty(password) && hasher.Verify(password, state.State.PasswordHash) && state.State.Profile is not null;
        if (ok)
        {
            _failures = 0;
            return Task.FromResult(new SignInResult(state.State.Profile, state.State.SecurityStamp, null));
        }

        _failures++;
        var options = security.Value;
        if (Lockout.After(_failures, options.LockoutThreshold, options.LockoutDuration, options.MaxLockoutDuration) is { } lockFor)
        {
            _lockedUntil = now + lockFor;
            // Idle activations are collected; a locked one must outlive its lock (and the count its next chance).
            this.DelayDeactivation(lockFor + options.MaxLockoutDuration);
        }
        return Task.FromResult(SignInResult.Wrong);
    }

    public Task<UserProfile?> GetAsync() => Task.FromResult(state.State.Profile);

    public Task<int?> GetSecurityStampAsync() => Task.FromResult(state.State.Profile is null ? null : (int?)state.State.SecurityStamp);

    public async Task<UserResult> ChangePasswordAsync(string newPassword)
    {
        if (state.State.Profile is not { } profile) return new UserResult(null, Errors.NotFound("No such user."));
        if (UserRules.ValidatePassword(newPassword) is { } invalid) return new UserResult(null, invalid);
        var hash = hasher.Hash(newPassword);
        await UpdateAsync(s =>
        {
            s.PasswordHash = hash;
            s.SecurityStamp++;
        });
        _failures = 0;
        _lockedUntil = default;
        return new UserResult(profile, null);
    }

    public async Task<UserResult> ChangeRoleAsync(UserRole role, string? warehouse)
    {
        if (state.State.Profile is not { } profile) return new UserResult(null, Errors.NotFound("No such user."));
        if (UserRules.ValidateRole(role, warehouse) is { } invalid) return new UserResult(null, invalid);
        var changed = profile with { Role = role, Warehouse = role == UserRole.WarehouseStaff ? warehouse : null };
        await UpdateAsync(s =>
        {
            s.Profile = changed;
            s.SecurityStamp++;
        });
        return new UserResult(changed, null);
    }

    private async Task UpdateAsync(Action<UserState> change)
    {
        change(state.State);
        await state.WriteOrDiscardAsync(GrainContext, logger);
    }
}
