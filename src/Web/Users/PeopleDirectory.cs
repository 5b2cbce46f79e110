using System.Collections.Concurrent;
using AgentOps.Agents;
using AgentOps.Journal;
using AgentOps.Users;

namespace AgentOps.Web.Users;

/// <summary>A person as the UI names them: their name and e-mail, never an internal id.</summary>
public sealed record Person(string? Name, string Email)
{
    public override string ToString() => Name is { Length: > 0 } name ? $"{name} ({Email})" : Email;
}

/// <summary>
/// Names the people behind runs and decisions for the pages. Runs keep the requester's e-mail (RUN_STARTED
/// requested_by, PendingApproval.RequestedBy); the user grain, keyed by e-mail, has the name. Scoped, so each circuit
/// asks once per person.
/// </summary>
public sealed class PeopleDirectory(IClusterClient client)
{
    private readonly ConcurrentDictionary<string, Task<Person>> _byEmail = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The person with this e-mail; null when it is not an e-mail (a run started by a service, a policy).</summary>
    public async Task<Person?> ByEmailAsync(string? email)
    {
        // Automatic deciders ("policy:<id>", "grant:<id>", the clock) are not people.
        if (string.IsNullOrWhiteSpace(email) || !email.Contains('@')) return null;
        var key = UserRules.NormalizeEmail(email);
        var lookup = _byEmail.GetOrAdd(key, LookUpAsync);
        try
        {
            return await lookup;
        }
        catch (Exception)
        {
            // A failed look-up is not remembered: the next render asks again.
            _byEmail.TryRemove(new KeyValuePair<string, Task<Person>>(key, lookup));
            return new Person(null, key);
        }
    }

    /// <summary>The people behind many e-mails at once (the inbox page), keyed by e-mail as given.</summary>
    public async Task<IReadOnlyDictionary<string, Person>> ByEmailsAsync(IEnumerable<string?> emails)
    {
        var distinct = emails.OfType<string>().Where(e => e.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var people = await Task.WhenAll(distinct.Select(ByEmailAsync));
        var result = new Dictionary<string, Person>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < distinct.Count; i++)
        {
            if (people[i] is { } person) result[distinct[i]] = person;
        }
        return result;
    }

    /// <summary>Who started a run: the e-mail in its RUN_STARTED event.</summary>
    public Task<Person?> RequesterOfAsync(RunView run) =>
        ByEmailAsync(run.Events.Select(e => e.Event).OfType<RunStarted>().FirstOrDefault()?.RequestedBy);

    private async Task<Person> LookUpAsync(string email) =>
        await client.GetGrain<IUserGrain>(email).GetAsync() is { } profile ? new Person(profile.Name, profile.Email) : new Person(null, email);
}
