using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace AgentOps.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server for the whole test run: initdb into a temp folder, a free port, removed at exit.
/// It fails loudly when the server cannot start; tests that need it never skip.
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string _dataDir;
    private readonly string _binDir;
    private readonly int _port;

    private PostgresServer(string binDir, string dataDir, int port)
    {
        _binDir = binDir;
        _dataDir = dataDir;
        _port = port;
    }

    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 60)].ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return ConnectionString(name);
    }

    /// <summary>Creates a database with the whole schema applied (what a silo does at start) and returns its connection string.</summary>
    public static async Task<string> CreateMigratedDatabaseAsync(string prefix)
    {
        var connectionString = await (await GetAsync()).CreateDatabaseAsync(prefix);
        await new AgentOps.Hosting.SchemaMigrator(Microsoft.Extensions.Logging.Abstractions.NullLogger<AgentOps.Hosting.SchemaMigrator>.Instance).ApplyAsync(connectionString);
        return connectionString;
    }

    // Every test database has its own connection string and so its own pool, and a pool outlives the test that made
    // it (Npgsql keeps idle connections 300 s by default): ./test.sh once hit max_connections (53300) at the 2-minute
    // mark. Idle connections of a finished test now close within about 15 s.
    private string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={_port};Database={database};Username=agentops;Pooling=true;Maximum Pool Size=50;Timeout=30;" +
        "Connection Idle Lifetime=10;Connection Pruning Interval=5";

    private static async Task<PostgresServer> StartAsync()
    {
        var binDir = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (binDir is null) throw new InvalidOperationException("PostgreSQL binaries not found under /usr/lib/postgresql (apt-get install postgresql).");

        var dataDir = Path.Combine(Path.GetTempPath(), $"agentops-test-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataDir);
        var asRoot = Environment.UserName == "root";
        if (asRoot) Run("chown", ["postgres:postgres", dataDir]);

        var port = FreePort();
        Run(asRoot, Path.Combine(binDir, "initdb"), ["-D", dataDir, "-U", "agentops", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        await File.AppendAllTextAsync(Path.Combine(dataDir, "postgresql.conf"),
            $"\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{dataDir}'\nmax_connections = 300\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        Run(asRoot, Path.Combine(binDir, "pg_ctl"), ["-D", dataDir, "-l", Path.Combine(dataDir, "server.log"), "-w", "-t", "60", "start"]);

        var server = new PostgresServer(binDir, dataDir, port);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop(asRoot);
        return server;
    }

    private void Stop(bool asRoot)
    {
        try
        {
            Run(asRoot, Path.Combine(_binDir, "pg_ctl"), ["-D", _dataDir, "-m", "immediate", "stop"]);
        }
        finally
        {
            try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Run(bool asPostgres, string file, string[] args) =>
        Run(asPostgres ? "runuser" : file, asPostgres ? ["-u", "postgres", "--", file, .. args] : args);

    private static void Run(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90))) throw new TimeoutException($"{file} did not finish.");
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {stdout.Result}{stderr.Result}");
    }
}
