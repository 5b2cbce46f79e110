using AgentOps.Users;

namespace AgentOps.Tests.Domain;

public sealed class UserRulesTests
{
    [Theory]
    [InlineData("ａdmin@bookstore.com", "admin@bookstore.com")]
    [InlineData("ＡＤＭＩＮ＠ＢＯＯＫＳＴＯＲＥ．ＣＯＭ", "admin@bookstore.com")]
    [InlineData("  Admin@Bookstore.COM\u3000", "admin@bookstore.com")]
    public void Look_alike_spellings_normalise_to_one_address(string spelling, string normalised) =>
        Assert.Equal(normalised, UserRules.NormalizeEmail(spelling));

    [Theory]
    [InlineData("alice@customer.com", true)]
    [InlineData("ａlice@customer.com", true)]
    [InlineData("alice@customer.com.", false)]
    [InlineData("alice.@customer.com", false)]
    [InlineData(".alice@customer.com", false)]
    [InlineData("alice@customer", false)]
    [InlineData("\u202ealice@customer.com", false)]
    [InlineData("ali\u200dce@customer.com", false)]
    [InlineData("al\u0456ce@customer.com", false)]   // Cyrillic i
    [InlineData("alice@cust\u00f6mer.com", false)]
    public void Only_plain_ascii_addresses_without_trailing_dots_are_accepted(string email, bool valid) =>
        Assert.Equal(valid, UserRules.ValidateEmail(email) is null);

    [Theory]
    [InlineData("Alice Smith", true)]
    [InlineData("Zoë 🙂", true)]
    [InlineData("Alice\u202eevil", false)]
    [InlineData("Alice\u2066", false)]
    [InlineData("Alice\u0000", false)]
    [InlineData("Alice\r\nSmith", false)]
    [InlineData("Alice\u2028", false)]
    public void Names_with_control_format_or_bidi_characters_are_refused(string name, bool valid) =>
        Assert.Equal(valid, UserRules.ValidateName(name) is null);

    [Fact]
    public void Broken_text_with_a_lone_surrogate_is_refused()
    {
        var lone = new string(['A', (char)0xDC00]);
        Assert.NotNull(UserRules.ValidateName(lone));
        Assert.NotNull(UserRules.ValidateEmail(new string([(char)0xD800]) + "alice@customer.com"));
    }
}
