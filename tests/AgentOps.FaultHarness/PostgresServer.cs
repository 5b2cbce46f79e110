using System.Globalization;
using Npgsql;

namespace AgentOps.FaultHarness;

/// <summary>
/// The harness's own PostgreSQL server: initdb into its temp folder, a free loopback port, the machine's PostgreSQL
/// binaries (run as the postgres user when the harness runs as root, as run.sh does). It never touches a developer's
/// .data. It can be killed (-9 of the postmaster, or of one backend) and started again; crash recovery does the rest.
/// </summary>
public sealed class PostgresServer
{
    private readonly string _binDir;
    private readonly string _dataDir;
    private readonly Action<string> _log;

    public PostgresServer(string root, int port, Action<string> log)
    {
        _binDir = FindBinaries();
        _dataDir = Path.Combine(root, "pg");
        Port = port;
        _log = log;
    }

    public int Port { get; }

    public string ConnectionString(string database, int poolSize = 50) =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username=agentops;Maximum Pool Size={poolSize};Timeout=10;Command Timeout=30";

    /// <summary>A connection string for the harness's own queries: no pooling, so a killed server never leaves it a broken pooled connection.</summary>
    public string HarnessConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username=agentops;Pooling=false;Timeout=10;Command Timeout=60;Application Name=fault-harness";

    public void Initialise()
    {
        Directory.CreateDirectory(_dataDir);
        if (Native.IsRoot)
        {
            Native.Run("chown", ["postgres:postgres", _dataDir], TimeSpan.FromSeconds(10));
            // The postgres user must reach the data folder through every parent.
            for (var d = Path.GetDirectoryName(_dataDir); !string.IsNullOrEmpty(d) && d != "/"; d = Path.GetDirectoryName(d))
            {
                Native.Run("chmod", ["o+x", d], TimeSpan.FromSeconds(10));
            }
        }
        Check(AsPostgres(Path.Combine(_binDir, "initdb"), ["-D", _dataDir, "-U", "agentops", "--auth=trust", "-E", "UTF8", "--no-sync"], TimeSpan.FromSeconds(120)), "initdb");
        // fsync off is safe here: the faults kill processes, not the machine, and the OS keeps what was written.
        // synchronous_commit stays on: a commit acknowledged to the application is in the WAL the OS holds.
        File.AppendAllText(Path.Combine(_dataDir, "postgresql.conf"), string.Create(CultureInfo.InvariantCulture, $"""

            listen_addresses = '127.0.0.1'
            port = {Port}
            unix_socket_directories = '{_dataDir}'
            max_connections = 400
            shared_buffers = 128MB
            fsync = off
            full_page_writes = off
            synchronous_commit = on
            restart_after_crash = on

            """));
    }

    /// <summary>Starts the server; after a kill -9 PostgreSQL's own crash recovery runs first. Retries while old backends linger.</summary>
    public void Start()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        var lastOutput = "";
        while (DateTime.UtcNow < deadline)
        {
            RemoveStaleLock();
            var (code, output) = AsPostgres(Path.Combine(_binDir, "pg_ctl"), ["-D", _dataDir, "-l", Path.Combine(_dataDir, "server.log"), "-w", "-t", "60", "start"], TimeSpan.FromSeconds(75));
            if (code == 0 && IsReady()) return;
            lastOutput = output;
            if (IsReady()) return;
            Thread.Sleep(1000);
        }
        throw new InvalidOperationException($"PostgreSQL did not start: {lastOutput.Trim()}");
    }

    public void Stop()
    {
        try
        {
            AsPostgres(Path.Combine(_binDir, "pg_ctl"), ["-D", _dataDir, "-m", "immediate", "stop"], TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            if (PostmasterPid() is { } pid) Native.Signal(pid, Native.SigKill);
        }
    }

    /// <summary>The postmaster's pid from postmaster.pid, if it is running.</summary>
    public int? PostmasterPid()
    {
        try
        {
            var first = File.ReadLines(Path.Combine(_dataDir, "postmaster.pid")).FirstOrDefault();
            return int.TryParse(first, out var pid) && Native.IsAlive(pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>kill -9 of the postmaster; waits until it and its children are gone. Returns the pid killed.</summary>
    public int? KillPostmaster()
    {
        if (PostmasterPid() is not { } pid) return null;
        var children = Native.Children(pid);
        Native.Signal(pid, Native.SigKill);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline && (Native.IsAlive(pid) || children.Any(Native.IsAlive))) Thread.Sleep(100);
        // Backends notice the postmaster's death on their own; any that did not yet are stopped too.
        foreach (var child in children.Where(Native.IsAlive)) Native.Signal(child, Native.SigKill);
        return pid;
    }

    /// <summary>kill -9 of one client backend of the database: PostgreSQL then resets every connection and recovers.</summary>
    public async Task<int?> KillBackendAsync(string database, Random random)
    {
        var pids = await ClientBackendsAsync(database);
        if (pids.Count == 0) return null;
        var pid = pids[random.Next(pids.Count)];
        Native.Signal(pid, Native.SigKill);
        return pid;
    }

    /// <summary>pg_terminate_backend of every connection the application holds to the database.</summary>
    public async Task<int> TerminateBackendsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(HarnessConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'
               AND coalesce(application_name, '') <> 'fault-harness'
            """, connection);
        command.Parameters.AddWithValue(database);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private async Task<List<int>> ClientBackendsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(HarnessConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT pid FROM pg_stat_activity
             WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'
               AND coalesce(application_name, '') <> 'fault-harness'
             ORDER BY pid
            """, connection);
        command.Parameters.AddWithValue(database);
        var pids = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) pids.Add(reader.GetInt32(0));
        return pids;
    }

    public bool IsReady()
    {
        try
        {
            using var connection = new NpgsqlConnection(HarnessConnectionString("postgres"));
            connection.Open();
            using var command = new NpgsqlCommand("SELECT 1", connection);
            command.ExecuteScalar();
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Waits (bounded) until the server accepts connections, e.g. after crash recovery.</summary>
    public async Task<bool> WaitReadyAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            if (IsReady()) return true;
            await Task.Delay(250, cancellationToken);
        }
        return IsReady();
    }

    public async Task CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(HarnessConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DropDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(HarnessConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private void RemoveStaleLock()
    {
        var lockFile = Path.Combine(_dataDir, "postmaster.pid");
        if (!File.Exists(lockFile) || PostmasterPid() is not null) return;
        _log("removing the stale postmaster.pid of the killed server");
        File.Delete(lockFile);
        // The socket's lock file carries the same dead pid.
        var socketLock = Path.Combine(_dataDir, $".s.PGSQL.{Port}.lock");
        if (File.Exists(socketLock))
        {
            File.Delete(socketLock);
            File.Delete(Path.Combine(_dataDir, $".s.PGSQL.{Port}"));
        }
    }

    private (int Code, string Output) AsPostgres(string file, string[] args, TimeSpan timeout) =>
        Native.IsRoot ? Native.Run("runuser", ["-u", "postgres", "--", file, .. args], timeout) : Native.Run(file, args, timeout);

    private static void Check((int Code, string Output) result, string what)
    {
        if (result.Code != 0) throw new InvalidOperationException($"{what} failed ({result.Code}): {result.Output.Trim()}");
    }

    private static string FindBinaries()
    {
        var dir = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;
        return dir ?? throw new InvalidOperationException("PostgreSQL binaries not found under /usr/lib/postgresql (apt-get install postgresql).");
    }
}
