namespace AgentOps.Common;

/// <summary>
/// Text PostgreSQL can hold: no NUL character (text and jsonb reject it) and no unpaired UTF-16 surrogate
/// (it has no UTF-8 form). Input with either is refused at the door; text produced inside the cluster
/// (planner output, tool output) is cleaned before it is journaled, so a write never fails for its content.
/// </summary>
public static class StorableText
{
    public const char Replacement = '\uFFFD';

    public static bool IsStorable(string? text)
    {
        if (text is null) return true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0') return false;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
                else return false;
            }
            else if (char.IsLowSurrogate(c)) return false;
        }
        return true;
    }

    /// <summary>The text with every NUL and unpaired surrogate replaced by U+FFFD; the same instance when already storable.</summary>
    public static string Clean(string text)
    {
        if (IsStorable(text)) return text;
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (c == '\0') chars[i] = Replacement;
            else if (char.IsHighSurrogate(c))
            {
                if (i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1])) i++;
                else chars[i] = Replacement;
            }
            else if (char.IsLowSurrogate(c)) chars[i] = Replacement;
        }
        return new string(chars);
    }
}
