using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AgentOps.Hosting;

/// <summary>A schema script that was applied before and has changed since.</summary>
public sealed class SchemaDriftException(string script, string appliedChecksum, string currentChecksum)
    : Exception($"Schema script '{script}' changed after it was applied (applied checksum {appliedChecksum}, now {currentChecksum}). " +
                "Applied scripts are never re-run: add a new numbered script for the change instead.")
{
    public string Script { get; } = script;
}

/// <summary>
/// Applies the project's SQL scripts (embedded, run in name order) once each, under an advisory lock so that
/// silos starting together do not race, and records a SHA-256 checksum per script so a changed script is reported.
/// </summary>
public sealed class SchemaMigrator(ILogger<SchemaMigrator> logger)
{
    private const string ResourcePrefix = "AgentOps.Schema.";

    // Arbitrary constant shared by every process that migrates this database.
    private const long AdvisoryLockKey = 0x4167_656E_744F_7073;

    public sealed record Script(string Name, string Sql, string Checksum);

    public static IReadOnlyList<Script> EmbeddedScripts()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => Load(assembly, n))
            .ToList();
    }

    private static Script Load(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        // Line endings must not change the checksum between a Windows and a Linux checkout.
        var sql = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
        return new Script(resource[ResourcePrefix.Length..], sql, checksum);
    }

    /// <summary>Applies the pending scripts; returns the names of the scripts it applied.</summary>
    public Task<IReadOnlyList<string>> ApplyAsync(string connectionString, CancellationToken cancellationToken = default) =>
        ApplyAsync(connectionString, EmbeddedScripts(), cancellationToken);

    public async Task<IReadOnlyList<string>> ApplyAsync(string connectionString, IReadOnlyList<Script> scripts, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken);
        await ExecuteAsync(connection, transaction, """
            CREATE TABLE IF NOT EXISTS agentops_schema_migrations (
                script     text        NOT NULL PRIMARY KEY,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """, cancellationToken);

        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var read = new NpgsqlCommand("SELECT script, checksum FROM agentops_schema_migrations", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied[reader.GetString(0)] = reader.GetString(1);
            }
        }

        foreach (var script in scripts)
        {
            if (applied.TryGetValue(script.Name, out var checksum) && checksum != script.Checksum)
            {
                throw new SchemaDriftException(script.Name, checksum, script.Checksum);
            }
        }

        var newlyApplied = new List<string>();
        foreach (var script in scripts.Where(s => !applied.ContainsKey(s.Name)))
        {
            logger.LogInformation("Applying schema script {Script}", script.Name);
            await ExecuteAsync(connection, transaction, script.Sql, cancellationToken);
            await using var record = new NpgsqlCommand(
                "INSERT INTO agentops_schema_migrations (script, checksum) VALUES (@script, @checksum)", connection, transaction);
            record.Parameters.AddWithValue("script", script.Name);
            record.Parameters.AddWithValue("checksum", script.Checksum);
            await record.ExecuteNonQueryAsync(cancellationToken);
            newlyApplied.Add(script.Name);
        }

        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Schema up to date: {Applied} script(s) applied now, {Total} in all", newlyApplied.Count, scripts.Count);
        return newlyApplied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
