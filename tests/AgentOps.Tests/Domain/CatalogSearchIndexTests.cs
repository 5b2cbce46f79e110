using System.Collections.Immutable;
using AgentOps.Catalog;

namespace AgentOps.Tests.Domain;

/// <summary>The indexed catalog search answers exactly what a scan of every book answers.</summary>
public sealed class CatalogSearchIndexTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);

    private static Book NewBook(int n, string title, string author, string isbn) =>
        new(new Guid(n, 0, 0, new byte[8]), isbn, title, author, null, 9.99m, null, null, null, IsActive: n % 7 != 0, At, At);

    private static readonly ImmutableArray<Book> Catalog =
    [
        .. new[]
        {
            NewBook(1, "1984", "George Orwell", "978-0451524935"),
            NewBook(2, "Animal Farm", "George Orwell", "978-0451526342"),
            NewBook(3, "The Hobbit", "J.R.R. Tolkien", "978-0547928227"),
            NewBook(4, "the hobbit", "Someone Else", "978-0000000001"),
            NewBook(5, "Crime and Punishment", "Fyodor Dostoevsky", "978-0140449136"),
            NewBook(6, "Die Straße", "Jürgen Groß", "978-0000000002"),
            NewBook(7, "Strange Long S", "Anon", "978-0000000003"),
            NewBook(8, "İstanbul", "Orhan Pamuk", "978-0000000004"),
        },
        .. Enumerable.Range(100, 300).Select(i => NewBook(i, $"Load Test Volume {i:D5}", $"Author {i % 17}", $"979-00000{i:D5}")),
    ];

    private static ImmutableArray<Book> Scan(string query, int limit)
    {
        var text = query.Trim();
        return [.. Catalog.Where(b => CatalogSearchIndex.Matches(b, text))
            .OrderBy(b => string.Equals(b.Title, text, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .Take(Math.Clamp(limit, 1, 100))];
    }

    [Theory]
    [InlineData("1984", 5)]
    [InlineData("the hobbit", 5)]
    [InlineData("THE HOBBIT", 1)]
    [InlineData("  Hobbit ", 5)]
    [InlineData("orwell", 5)]
    [InlineData("Crime and Punishment", 5)]
    [InlineData("punish", 5)]
    [InlineData("Volume 0012", 100)]
    [InlineData("Volume", 3)]
    [InlineData("Author 1", 100)]
    [InlineData("979-00000", 100)]
    [InlineData("0451", 5)]
    [InlineData("straße", 5)]
    [InlineData("die str", 5)]
    [InlineData("str", 5)]
    [InlineData("STRANGE", 5)]
    [InlineData("istanbul", 5)]
    [InlineData("Gr", 5)]
    [InlineData("z", 5)]
    [InlineData("no such book", 5)]
    [InlineData("xyz", 5)]
    public void Search_answers_what_a_scan_of_every_book_answers(string query, int limit)
    {
        var index = new CatalogSearchIndex(Catalog);

        var found = index.Search(query, limit);

        Assert.Equal(Scan(query, limit).Select(b => b.Id), found.Select(b => b.Id));
    }

    [Fact]
    public void Exact_titles_come_first_then_catalog_order()
    {
        var index = new CatalogSearchIndex([NewBook(1, "1984 Revisited", "A", "1"), NewBook(2, "Orwell's 1984", "B", "2"), NewBook(3, "1984", "C", "3")]);

        var found = index.Search("1984", 5);

        Assert.Equal(["1984", "1984 Revisited", "Orwell's 1984"], found.Select(b => b.Title));
    }
}
