using System.Net.Mail;
using AgentOps.Common;
using AgentOps.Warehouses;

namespace AgentOps.Users;

public static class UserRules
{
    public const int MinPasswordLength = 6;
    public const int MaxPasswordLength = 72; // BCrypt ignores anything longer.

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public static OperationError? Validate(NewUser user)
    {
        if (string.IsNullOrWhiteSpace(user.Email) || user.Email.Length > 254 || !MailAddress.TryCreate(user.Email.Trim(), out var parsed) || parsed.Address != user.Email.Trim())
            return Errors.Validation("invalid_email", "email must be a valid e-mail address.");
        if (ValidatePassword(user.Password) is { } password) return password;
        if (user.Name is { Length: > 200 }) return Errors.Validation("invalid_name", "name may have at most 200 characters.");
        return ValidateRole(user.Role, user.Warehouse);
    }

    public static OperationError? ValidatePassword(string? password) =>
        password is null || password.Length < MinPasswordLength || password.Length > MaxPasswordLength
            ? Errors.Validation("invalid_password", $"password must have {MinPasswordLength} to {MaxPasswordLength} characters.")
            : null;

    public static OperationError? ValidateRole(UserRole role, string? warehouse) =>
        !Enum.IsDefined(role) ? Errors.Validation("invalid_role", "role must be CUSTOMER, STORE_ADMIN or WAREHOUSE_STAFF.")
        : role == UserRole.WarehouseStaff && !WarehouseNames.IsValid(warehouse) ? Errors.Validation("invalid_warehouse", "warehouse staff must belong to a warehouse.")
        : null;

    /// <summary>
    /// The profile a registration creates. The id is derived from the e-mail, so registering a taken e-mail can be
    /// answered with exactly what a new registration would have answered, revealing nothing.
    /// </summary>
    public static UserProfile NewProfile(NewUser user, DateTimeOffset now)
    {
        var email = NormalizeEmail(user.Email);
        return new UserProfile(NameBasedGuid.Create(NameBasedGuid.Users, email), email, user.Name?.Trim(),
            user.Role, user.Role == UserRole.WarehouseStaff ? user.Warehouse : null, now);
    }
}
