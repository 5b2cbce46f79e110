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
        if (user.Password is null || user.Password.Length < MinPasswordLength || user.Password.Length > MaxPasswordLength)
            return Errors.Validation("invalid_password", $"password must have {MinPasswordLength} to {MaxPasswordLength} characters.");
        if (user.Name is { Length: > 200 }) return Errors.Validation("invalid_name", "name may have at most 200 characters.");
        if (user.Role == UserRole.WarehouseStaff && !WarehouseNames.IsValid(user.Warehouse))
            return Errors.Validation("invalid_warehouse", "warehouse staff must belong to a warehouse.");
        return null;
    }
}
