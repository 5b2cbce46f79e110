using System.Globalization;
using System.Net.Mail;
using System.Text;
using AgentOps.Common;
using AgentOps.Warehouses;

namespace AgentOps.Users;

public static class UserRules
{
    public const int MinPasswordLength = 6;
    public const int MaxPasswordLength = 72; // BCrypt ignores anything longer.

    /// <summary>
    /// The one spelling of an e-mail address, used as the user's key everywhere: fullwidth forms folded to the ASCII
    /// they stand for (what Unicode NFKC does with them, so "ａdmin@…" is "admin@…"), trimmed, lower case. The build
    /// runs with invariant globalization, where string.Normalize leaves non-ASCII text as it is, hence the fold here;
    /// every other non-ASCII character is refused for new accounts by <see cref="ValidateEmail"/>.
    /// </summary>
    public static string NormalizeEmail(string email)
    {
        var folded = string.Create(email.Length, email, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c switch
                {
                    >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                    '\u3000' => ' ',
                    _ => c,
                };
            }
        });
        return folded.Trim().ToLowerInvariant();
    }

    public static OperationError? Validate(NewUser user)
    {
        if (ValidateEmail(user.Email) is { } email) return email;
        if (ValidatePassword(user.Password) is { } password) return password;
        if (ValidateName(user.Name) is { } name) return name;
        return ValidateRole(user.Role, user.Warehouse);
    }

    /// <summary>
    /// A new account's address, after <see cref="NormalizeEmail"/>: a plain ASCII address (letters of other scripts
    /// can look exactly like Latin ones), no control, format or bidi characters, no dot at the end of either part.
    /// </summary>
    public static OperationError? ValidateEmail(string? raw)
    {
        var invalid = Errors.Validation("invalid_email", "email must be a valid e-mail address (ASCII letters, digits and . _ % + - only; no dot at either end of a part).");
        if (string.IsNullOrWhiteSpace(raw) || raw.Length > 254 || HasHiddenCharacters(raw)) return invalid;
        var email = NormalizeEmail(raw);
        if (email.Length > 254 || email.Any(c => c > 0x7E || c < 0x21)) return invalid;
        var at = email.IndexOf('@');
        if (at <= 0 || at != email.LastIndexOf('@') || at == email.Length - 1) return invalid;
        var (local, domain) = (email[..at], email[(at + 1)..]);
        if (local.EndsWith('.') || local.StartsWith('.') || domain.EndsWith('.') || domain.StartsWith('.') || !domain.Contains('.')) return invalid;
        if (!MailAddress.TryCreate(email, out var parsed) || parsed.Address != email) return invalid;
        return null;
    }

    /// <summary>A display name: at most 200 characters, none of them control, format (bidi, zero-width) or line separators.</summary>
    public static OperationError? ValidateName(string? name) =>
        name is { Length: > 200 } ? Errors.Validation("invalid_name", "name may have at most 200 characters.")
        : name is not null && HasHiddenCharacters(name)
            ? Errors.Validation("invalid_name", "name must not contain control, formatting or bidirectional characters.")
        : null;

    /// <summary>
    /// Characters that do not show as themselves: control, format (bidi overrides, zero-width, tags), line and
    /// paragraph separators, and lone surrogates.
    /// </summary>
    private static bool HasHiddenCharacters(string text)
    {
        for (var i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used) != System.Buffers.OperationStatus.Done) return true;
            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator) return true;
            i += used;
        }
        return false;
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
