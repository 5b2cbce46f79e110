using AgentOps.Common;
using AgentOps.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;

namespace AgentOps.Users;

public sealed class UserGrain(
    [PersistentState("user", StorageNames.Store)] IPersistentState<UserState> state,
    IOptions<SecurityOptions> security,
    TimeProvider clock,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    public async Task<UserResult> RegisterAsync(NewUser user)
    {
        if (UserRules.Validate(user) is { } invalid) return new UserResult(null, invalid);
        var email = UserRules.NormalizeEmail(user.Email);
        if (email != this.GetPrimaryKeyString()) return new UserResult(null, Errors.Validation("invalid_email", "The e-mail does not match this user."));
        if (state.State.Profile is not null) return new UserResult(null, Errors.Conflict("A user with this e-mail already exists."));

        state.State.Profile = new UserProfile(NameBasedGuid.Create(NameBasedGuid.Users, email), email, user.Name?.Trim(),
            user.Role, user.Role == UserRole.WarehouseStaff ? user.Warehouse : null, clock.GetUtcNow());
        state.State.PasswordHash = BCrypt.Net.BCrypt.HashPassword(user.Password, security.Value.BcryptWorkFactor);
        await state.WriteOrDiscardAsync(GrainContext, logger);
        return new UserResult(state.State.Profile, null);
    }

    public Task<UserProfile?> VerifyPasswordAsync(string password)
    {
        var hash = state.State.PasswordHash;
        var ok = hash is not null && !string.IsNullOrEmpty(password) && BCrypt.Net.BCrypt.Verify(password, hash);
        return Task.FromResult(ok ? state.State.Profile : null);
    }

    public Task<UserProfile?> GetAsync() => Task.FromResult(state.State.Profile);
}
