using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;

namespace AgentOps.Hosting.Tls;

/// <summary>Mutual TLS on every Orleans connection: silo to silo, client to gateway.</summary>
public static class ClusterTlsExtensions
{
    public static ISiloBuilder UseAgentOpsClusterTls(this ISiloBuilder silo, ClusterTlsOptions options)
    {
        var (member, authority) = Load(options);
        silo.Configure<SiloConnectionOptions>(o =>
        {
            o.ConfigureSiloInboundConnection(b => b.Use(For(b, member, authority, options).Server));
            o.ConfigureGatewayInboundConnection(b => b.Use(For(b, member, authority, options).Server));
            o.ConfigureSiloOutboundConnection(b => b.Use(For(b, member, authority, options).Client));
        });
        return silo;
    }

    public static IClientBuilder UseAgentOpsClusterTls(this IClientBuilder client, ClusterTlsOptions options)
    {
        var (member, authority) = Load(options);
        client.Configure<ClientConnectionOptions>(o =>
            o.ConfigureConnection(b => b.Use(For(b, member, authority, options).Client)));
        return client;
    }

    /// <summary>
    /// Refuses a cluster whose ports would accept anyone: without TLS the silo must listen on loopback only.
    /// </summary>
    public static void EnsureSafe(ClusterTlsOptions options, IPAddress listenAddress)
    {
        if (!options.Enabled && !IPAddress.IsLoopback(listenAddress))
            throw new InvalidOperationException(
                $"AgentOps:Cluster:Tls:Enabled is false while the silo listens on {listenAddress}: its ports would accept any client. " +
                "Keep TLS on (./run.sh makes the certificates; `AgentOps.Silo certs --out DIR` for other setups) or listen on 127.0.0.1.");
    }

    private static ClusterTlsConnection For(IConnectionBuilder builder, X509Certificate2 member,
        X509Certificate2 authority, ClusterTlsOptions options)
    {
        var logger = builder.ApplicationServices.GetService<ILoggerFactory>()?.CreateLogger<ClusterTlsConnection>() ?? NullLogger<ClusterTlsConnection>.Instance;
        return new ClusterTlsConnection(member, authority, options.HandshakeTimeout, logger);
    }

    private static (X509Certificate2 Member, X509Certificate2 Authority) Load(ClusterTlsOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.CertificatePath) || string.IsNullOrWhiteSpace(options.AuthorityPath))
            throw new InvalidOperationException(
                "Cluster TLS is on but AgentOps:Cluster:Tls:CertificatePath and AgentOps:Cluster:Tls:AuthorityPath are not set. " +
                "./run.sh creates them under .data/certs; elsewhere run `dotnet AgentOps.Silo.dll certs --out DIR` once and point every member at DIR.");
        foreach (var path in new[] { options.CertificatePath, options.AuthorityPath })
        {
            if (!File.Exists(path)) throw new InvalidOperationException($"The cluster TLS file {path} does not exist.");
        }
        return (ClusterCertificates.LoadMember(options.CertificatePath, options.CertificatePassword), ClusterCertificates.LoadAuthority(options.AuthorityPath));
    }
}
