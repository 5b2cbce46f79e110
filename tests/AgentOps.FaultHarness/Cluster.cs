using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace AgentOps.FaultHarness;

/// <summary>
/// The system under test as the harness runs it: what `./run.sh --silos 2` starts — a PostgreSQL server, the web
/// process (front door + silo 1) and a second silo process — but with every pid known to the harness, on ports of
/// its own, with its data in a temporary folder. Each schedule gets a fresh database and fresh cluster processes.
/// A supervisor loop restarts a process that exited on its own (a silo that finds itself declared dead stops),
/// as an operator or a process supervisor would; processes the harness killed stay down until it restarts them.
/// </summary>
public sealed class Cluster : IAsyncDisposable
{
    private readonly HarnessOptions _options;
    private readonly Action<string> _log;
    private readonly string _certs;
    private readonly int _httpPort;
    private readonly int[] _siloPorts;
    private readonly int[] _gatewayPorts;
    private CancellationTokenSource? _supervisor;
    private Task? _supervisorTask;
    private int _unplannedRestarts;

    public Cluster(HarnessOptions options, string root, Action<string> log)
    {
        _options = options;
        _log = log;
        Root = root;
        _certs = Path.Combine(root, "certs");
        Logs = Path.Combine(root, "logs");
        Directory.CreateDirectory(Logs);
        var ports = FreePorts(6);
        Postgres = new PostgresServer(root, ports[0], log);
        _httpPort = ports[1];
        _siloPorts = [ports[2], ports[3]];
        _gatewayPorts = [ports[4], ports[5]];
        BaseUrl = new Uri($"http://127.0.0.1:{_httpPort}/");
    }

    public string Root { get; }

    public string Logs { get; }

    public PostgresServer Postgres { get; }

    public Uri BaseUrl { get; }

    public string Database { get; private set; } = "";

    public ClusterProcess? Web { get; private set; }

    public ClusterProcess? Silo2 { get; private set; }

    public IEnumerable<ClusterProcess> Processes => new[] { Web, Silo2 }.OfType<ClusterProcess>();

    /// <summary>Processes that exited on their own and were started again by the supervisor, this schedule.</summary>
    public int UnplannedRestarts => Volatile.Read(ref _unplannedRestarts);

    /// <summary>Set while the harness itself keeps PostgreSQL down (between a kill and the restart).</summary>
    public bool PostgresHeldDown { get; set; }

    private string WebDll => Path.Combine(_options.RepoRoot, "src/Web/bin/Release/net10.0/AgentOps.Web.dll");

    private string SiloDll => Path.Combine(_options.RepoRoot, "src/Silo/bin/Release/net10.0/AgentOps.Silo.dll");

    /// <summary>Builds (unless told not to), makes the cluster certificates, starts PostgreSQL.</summary>
    public void Prepare()
    {
        if (_options.Build)
        {
            foreach (var project in new[] { "src/Web/Web.csproj", "src/Silo/Silo.csproj" })
            {
                _log($"building {project} (Release)");
                var (code, output) = Native.Run("dotnet", ["build", Path.Combine(_options.RepoRoot, project), "-c", "Release", "-nologo", "-v", "q", "-clp:ErrorsOnly"],
                    TimeSpan.FromMinutes(10));
                if (code != 0) throw new InvalidOperationException($"Building {project} failed: {output.Trim()}");
            }
        }
        foreach (var dll in new[] { WebDll, SiloDll })
        {
            if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: build in Release first (or drop --no-build).");
        }
        var (certCode, certOutput) = Native.Run("dotnet", [SiloDll, "certs", "--out", _certs], TimeSpan.FromMinutes(2));
        if (certCode != 0) throw new InvalidOperationException($"Making the cluster certificates failed: {certOutput.Trim()}");
        _log($"starting PostgreSQL on 127.0.0.1:{Postgres.Port} in {Root}");
        Postgres.Initialise();
        Postgres.Start();
    }

    /// <summary>A fresh database and fresh processes for one schedule; returns once the front door and silo 2 are up.</summary>
    public async Task StartScheduleAsync(int schedule, CancellationToken cancellationToken)
    {
        Database = $"harness_s{schedule}";
        await Postgres.DropDatabaseAsync(Database);
        await Postgres.CreateDatabaseAsync(Database);
        _unplannedRestarts = 0;

        var common = CommonEnvironment();
        Web = new ClusterProcess("web", "dotnet", [WebDll, "--urls", $"http://127.0.0.1:{_httpPort}", "--contentRoot", Path.Combine(_options.RepoRoot, "src/Web")],
            With(common, ("AgentOps__Cluster__SiloPort", _siloPorts[0]), ("AgentOps__Cluster__GatewayPort", _gatewayPorts[0])),
            Path.Combine(Logs, $"s{schedule}-web.log"));
        Silo2 = new ClusterProcess("silo2", "dotnet", [SiloDll, "--contentRoot", Path.Combine(_options.RepoRoot, "src/Silo")],
            With(common, ("AgentOps__Cluster__SiloPort", _siloPorts[1]), ("AgentOps__Cluster__GatewayPort", _gatewayPorts[1])),
            Path.Combine(Logs, $"s{schedule}-silo2.log"));

        // Both at once, as run.sh starts them: the schema is applied under an advisory lock and seeding is idempotent.
        Web.Start();
        Silo2.Start();
        if (!await WaitWebHealthyAsync(TimeSpan.FromSeconds(120), cancellationToken))
            throw new InvalidOperationException($"The web process did not become healthy; see {Web.LogPath}.");
        if (!await WaitSiloActiveAsync(Silo2, TimeSpan.FromSeconds(90), cancellationToken))
            throw new InvalidOperationException($"Silo 2 did not join the cluster; see {Silo2.LogPath}.");

        _supervisor = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _supervisorTask = SuperviseAsync(_supervisor.Token);
    }

    /// <summary>Stops the schedule's processes and (unless --keep) drops its database.</summary>
    public async Task StopScheduleAsync()
    {
        if (_supervisor is not null)
        {
            await _supervisor.CancelAsync();
            try { await _supervisorTask!; } catch (OperationCanceledException) { }
            _supervisor.Dispose();
            _supervisor = null;
        }
        foreach (var process in Processes) process.Shutdown(TimeSpan.FromSeconds(15));
        if (!Postgres.IsReady())
        {
            PostgresHeldDown = false;
            Postgres.Start();
        }
        if (!_options.Keep && Database.Length > 0)
        {
            try
            {
                await Postgres.DropDatabaseAsync(Database);
            }
            catch (NpgsqlException e)
            {
                _log($"could not drop {Database}: {e.Message}");
            }
        }
    }

    /// <summary>Brings everything back: SIGCONT what is stopped, start what is down, PostgreSQL first.</summary>
    public async Task HealAsync(CancellationToken cancellationToken)
    {
        if (!Postgres.IsReady() && Postgres.PostmasterPid() is null)
        {
            PostgresHeldDown = false;
            Postgres.Start();
        }
        PostgresHeldDown = false;
        foreach (var process in Processes)
        {
            if (process.Stopped) process.Resume();
            if (!process.IsRunning) process.Start();
        }
        await Postgres.WaitReadyAsync(TimeSpan.FromSeconds(60), cancellationToken);
    }

    public async Task<bool> WaitWebHealthyAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(BaseUrl, "health"), cancellationToken);
                if (response.IsSuccessStatusCode) return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
            }
            await Task.Delay(300, cancellationToken);
        }
        return false;
    }

    /// <summary>Waits until the newest membership row of the silo's port is Active (3).</summary>
    public async Task<bool> WaitSiloActiveAsync(ClusterProcess silo, TimeSpan patience, CancellationToken cancellationToken)
    {
        var port = silo == Web ? _siloPorts[0] : _siloPorts[1];
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await using var connection = new NpgsqlConnection(Postgres.HarnessConnectionString(Database));
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand(
                    "SELECT status, start_time FROM agentops_membership WHERE port = $1 ORDER BY generation DESC LIMIT 1", connection);
                command.Parameters.AddWithValue(port);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken) && reader.GetInt32(0) == 3 && reader.GetDateTime(1) >= silo.LastStartedAt.AddSeconds(-2) && silo.IsRunning)
                    return true;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
            {
            }
            await Task.Delay(300, cancellationToken);
        }
        return false;
    }

    private async Task SuperviseAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(500, cancellationToken);
                foreach (var process in Processes)
                {
                    if (process.IsRunning || process.HeldDown) continue;
                    _log($"{process.Name} exited on its own (code {process.LastExitCode}); the supervisor starts it again");
                    Interlocked.Increment(ref _unplannedRestarts);
                    process.Start();
                }
                if (!PostgresHeldDown && Postgres.PostmasterPid() is null && !Postgres.IsReady())
                {
                    _log("PostgreSQL is down without the harness holding it down; starting it again");
                    Interlocked.Increment(ref _unplannedRestarts);
                    try { Postgres.Start(); } catch (InvalidOperationException e) { _log(e.Message); }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private Dictionary<string, string> CommonEnvironment()
    {
        var env = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["AgentOps__Postgres"] = Postgres.ConnectionString(Database, poolSize: 60),
            ["AgentOps__PublicUrl"] = BaseUrl.ToString().TrimEnd('/'),
            ["AgentOps__Cluster__Tls__CertificatePath"] = Path.Combine(_certs, "node.pfx"),
            ["AgentOps__Cluster__Tls__AuthorityPath"] = Path.Combine(_certs, "cluster-ca.crt"),
            // Sweepers and health checks every few seconds, so recovery happens within a schedule.
            ["AgentOps__Bookstore__HealthCheckPeriod"] = "00:00:05",
            ["AgentOps__Bookstore__OrderResumePeriod"] = "00:00:05",
            ["AgentOps__Agents__ResumePeriod"] = "00:00:05",
            ["AgentOps__Agents__ApprovalTimeout"] = _options.ApprovalTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["AgentOps__Observability__Dashboard"] = "false",
        };
        foreach (var (k, v) in _options.ExtraEnvironment) env[k] = v;
        return env;
    }

    private static Dictionary<string, string> With(Dictionary<string, string> env, params (string Key, int Value)[] more)
    {
        var copy = new Dictionary<string, string>(env);
        foreach (var (k, v) in more) copy[k] = v.ToString(CultureInfo.InvariantCulture);
        return copy;
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ =>
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            return l;
        }).ToList();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners) l.Stop();
        return ports;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopScheduleAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or NpgsqlException)
        {
            _log($"stopping the schedule: {e.Message}");
        }
        Postgres.Stop();
    }
}
