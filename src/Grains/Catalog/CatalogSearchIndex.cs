using System.Collections.Immutable;

namespace AgentOps.Catalog;

/// <summary>
/// The catalog search: books whose title, author or ISBN contains the query (ordinal, ignoring case), exact titles
/// first, then in catalog order. Every agent run searches by title, and a scan of a 10,000-book catalog made three
/// case-insensitive comparisons per book in the one catalog grain; this index of three-letter pieces narrows that to
/// the few books that hold the query's rarest piece. Each candidate is still checked with the same comparison, so
/// the answer is the scan's; queries it cannot narrow (shorter than three letters, or not ASCII) use the scan.
/// </summary>
public sealed class CatalogSearchIndex
{
    private const int Gram = 3;

    private readonly ImmutableArray<Book> _books;
    // Piece (upper-case ASCII) -> positions in _books, ascending.
    private readonly Dictionary<string, int[]> _postings;
    // Books with a non-ASCII letter in a searched field: their case folding is not the ASCII one, so they are always checked.
    private readonly int[] _alwaysChecked;

    /// <param name="books">The catalog in the order results are listed.</param>
    public CatalogSearchIndex(ImmutableArray<Book> books)
    {
        _books = books;
        var postings = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var always = new List<int>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < books.Length; i++)
        {
            var book = books[i];
            if (!IsAscii(book.Title) || !IsAscii(book.Author) || !IsAscii(book.Isbn))
            {
                always.Add(i);
                continue;
            }
            seen.Clear();
            AddGrams(book.Title, seen);
            AddGrams(book.Author, seen);
            AddGrams(book.Isbn, seen);
            foreach (var gram in seen)
            {
                if (!postings.TryGetValue(gram, out var list)) postings[gram] = list = [];
                list.Add(i);
            }
        }
        _postings = postings.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        _alwaysChecked = [.. always];
    }

    public ImmutableArray<Book> Search(string query, int limit)
    {
        var text = query.Trim();
        var take = Math.Clamp(limit, 1, 100);
        var matches = Candidates(text).Select(i => _books[i]).Where(b => Matches(b, text));
        return [.. matches.OrderBy(b => string.Equals(b.Title, text, StringComparison.OrdinalIgnoreCase) ? 0 : 1).Take(take)];
    }

    public static bool Matches(Book book, string text) =>
        book.Title.Contains(text, StringComparison.OrdinalIgnoreCase) || book.Author.Contains(text, StringComparison.OrdinalIgnoreCase)
        || book.Isbn.Contains(text, StringComparison.OrdinalIgnoreCase);

    /// <summary>Positions of every book that may match, ascending (catalog order).</summary>
    private IEnumerable<int> Candidates(string text)
    {
        if (text.Length < Gram || !IsAscii(text)) return Enumerable.Range(0, _books.Length);
        int[]? rarest = null;
        var upper = text.ToUpperInvariant();
        for (var i = 0; i + Gram <= upper.Length; i++)
        {
            // A piece no book has: only the always-checked books can match.
            if (!_postings.TryGetValue(upper.Substring(i, Gram), out var list)) return _alwaysChecked;
            if (rarest is null || list.Length < rarest.Length) rarest = list;
        }
        return _alwaysChecked.Length == 0 ? rarest! : Merge(rarest!, _alwaysChecked);
    }

    private static IEnumerable<int> Merge(int[] a, int[] b)
    {
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            if (j == b.Length || (i < a.Length && a[i] < b[j])) yield return a[i++];
            else yield return b[j++];
        }
    }

    private static void AddGrams(string field, HashSet<string> into)
    {
        var upper = field.ToUpperInvariant();
        for (var i = 0; i + Gram <= upper.Length; i++) into.Add(upper.Substring(i, Gram));
    }

    private static bool IsAscii(string text) => System.Text.Ascii.IsValid(text);
}
