using System.Collections.Immutable;
using System.Globalization;
using AgentOps.Common;

namespace AgentOps.Catalog;

/// <summary>The seed's books. Ids derive from the ISBN, so every start and every silo agrees on them.</summary>
public static class SeedCatalog
{
    private static readonly (string Isbn, string Title, string Author, string Publisher, decimal Price, string Genre, int Year)[] Classics =
    [
        ("978-0743273565", "The Great Gatsby", "F. Scott Fitzgerald", "Scribner", 10.99m, "Fiction", 1925),
        ("978-0451524935", "1984", "George Orwell", "Signet Classic", 9.99m, "Dystopian", 1949),
        ("978-0547928227", "The Hobbit", "J.R.R. Tolkien", "Houghton Mifflin Harcourt", 14.99m, "Fantasy", 1937),
        ("978-0061120084", "To Kill a Mockingbird", "Harper Lee", "Harper Perennial", 12.99m, "Fiction", 1960),
        ("978-0141439518", "Pride and Prejudice", "Jane Austen", "Penguin Classics", 8.99m, "Romance", 1813),
        ("978-0316769488", "The Catcher in the Rye", "J.D. Salinger", "Little, Brown", 11.49m, "Fiction", 1951),
        ("978-0060850524", "Brave New World", "Aldous Huxley", "Harper Perennial", 13.99m, "Dystopian", 1932),
        ("978-1503280786", "Moby-Dick", "Herman Melville", "CreateSpace", 12.49m, "Adventure", 1851),
        ("978-0140449136", "Crime and Punishment", "Fyodor Dostoevsky", "Penguin Classics", 15.99m, "Fiction", 1866),
        ("978-0618640157", "The Lord of the Rings", "J.R.R. Tolkien", "Mariner Books", 24.99m, "Fantasy", 1954),
    ];

    public static Guid IdFor(string isbn) => NameBasedGuid.Create(NameBasedGuid.Books, isbn);

    /// <summary>The 10 classics, then generated books up to <paramref name="count"/>.</summary>
    public static ImmutableArray<Book> Books(int count, DateTimeOffset now)
    {
        var books = ImmutableArray.CreateBuilder<Book>(Math.Max(count, 0));
        foreach (var c in Classics.Take(count))
        {
            books.Add(new Book(IdFor(c.Isbn), c.Isbn, c.Title, c.Author, c.Publisher, c.Price,
                $"{c.Title} by {c.Author}.", c.Genre, c.Year, true, now, now));
        }
        for (var i = Classics.Length; i < count; i++)
        {
            var isbn = string.Create(CultureInfo.InvariantCulture, $"979-{i:D10}");
            var price = 5m + i % 40 + 0.99m;
            books.Add(new Book(IdFor(isbn), isbn, $"Load Test Volume {i:D5}", $"Author {i % 500:D3}", "AgentOps Press", price,
                "A generated book for load tests.", "Generated", 1950 + i % 75, true, now, now));
        }
        return books.ToImmutable();
    }
}
