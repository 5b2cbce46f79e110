using AgentOps.Hosting.Tls;
using Microsoft.AspNetCore.Hosting;

namespace AgentOps.Tests.Infrastructure;

/// <summary>
/// One cluster authority and member certificate per test process, written the way <c>./run.sh</c> writes them,
/// so every test host that listens on a cluster port runs with mutual TLS like production.
/// </summary>
public static class TestCertificates
{
    private static readonly Lazy<string> CertDirectory = new(() =>
    {
        var directory = Path.Combine(Path.GetTempPath(), $"agentops-test-certs-{Environment.ProcessId}");
        ClusterCertificates.EnsureWritten(directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { System.IO.Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return directory;
    });

    public static string Directory => CertDirectory.Value;

    public static string AuthorityPath => Path.Combine(Directory, ClusterCertificates.AuthorityFile);

    public static string MemberPath => Path.Combine(Directory, ClusterCertificates.MemberFile);

    /// <summary>The settings that point a silo or client at the test cluster's certificates.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("AgentOps:Cluster:Tls:Enabled", "true"),
        new("AgentOps:Cluster:Tls:CertificatePath", MemberPath),
        new("AgentOps:Cluster:Tls:AuthorityPath", AuthorityPath),
    ];

    public static IWebHostBuilder UseClusterTls(this IWebHostBuilder builder)
    {
        foreach (var (key, value) in Settings()) builder.UseSetting(key, value);
        return builder;
    }
}
