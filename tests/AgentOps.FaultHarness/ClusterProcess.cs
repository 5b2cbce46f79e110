using System.Diagnostics;

namespace AgentOps.FaultHarness;

/// <summary>
/// One process of the system under test (the web process with its co-hosted silo, or a separate silo), started the
/// way run.sh starts it, with its output appended to a log file. The harness knows its pid, so it can kill -9 it,
/// SIGSTOP/SIGCONT it, and start it again.
/// </summary>
public sealed class ClusterProcess(string name, string file, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, string logPath)
{
    private readonly object _gate = new();
    private Process? _process;

    public string Name => name;

    public string LogPath => logPath;

    /// <summary>True while the harness has deliberately left it down (between a kill and the restart).</summary>
    public bool HeldDown { get; private set; }

    public bool Stopped { get; private set; }

    public int Starts { get; private set; }

    public DateTime LastStartedAt { get; private set; }

    public int? Pid
    {
        get
        {
            lock (_gate) return _process is { HasExited: false } p ? p.Id : null;
        }
    }

    public bool IsRunning
    {
        get
        {
            lock (_gate) return _process is { HasExited: false };
        }
    }

    public int? LastExitCode
    {
        get
        {
            lock (_gate) return _process is { HasExited: true } p ? p.ExitCode : null;
        }
    }

    public void Start()
    {
        lock (_gate)
        {
            if (_process is { HasExited: false }) return;
            _process?.Dispose();
            var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            // exec: the pid the harness holds is the dotnet process itself, whose output goes straight to the log.
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("exec \"$@\" >>\"$HARNESS_LOG\" 2>&1 </dev/null");
            info.ArgumentList.Add("sh");
            info.ArgumentList.Add(file);
            foreach (var a in args) info.ArgumentList.Add(a);
            foreach (var (k, v) in environment) info.Environment[k] = v;
            info.Environment["HARNESS_LOG"] = logPath;
            File.AppendAllText(logPath, $"---- harness: starting {name} at {DateTimeOffset.UtcNow:O}{Environment.NewLine}");
            _process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {name}.");
            Starts++;
            LastStartedAt = DateTime.UtcNow;
            HeldDown = false;
            Stopped = false;
        }
    }

    /// <summary>kill -9, and keep it down until <see cref="Start"/>. Returns the pid killed, if it was running.</summary>
    public int? Kill()
    {
        Process? process;
        lock (_gate)
        {
            process = _process;
            HeldDown = true;
            if (process is null || process.HasExited) return null;
        }
        var pid = process.Id;
        Native.Signal(pid, Native.SigKill);
        process.WaitForExit(TimeSpan.FromSeconds(30));
        Stopped = false;
        return pid;
    }

    public int? Pause()
    {
        if (Pid is not { } pid) return null;
        Native.Signal(pid, Native.SigStop);
        Stopped = true;
        return pid;
    }

    public void Resume()
    {
        if (Pid is { } pid) Native.Signal(pid, Native.SigCont);
        Stopped = false;
    }

    /// <summary>SIGTERM (graceful in .NET), then SIGKILL if it does not go within the patience.</summary>
    public void Shutdown(TimeSpan patience)
    {
        Process? process;
        lock (_gate)
        {
            HeldDown = true;
            process = _process;
        }
        if (process is null || process.HasExited) return;
        if (Stopped) Native.Signal(process.Id, Native.SigCont);
        Native.Signal(process.Id, Native.SigTerm);
        if (!process.WaitForExit(patience))
        {
            Native.Signal(process.Id, Native.SigKill);
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
    }
}
