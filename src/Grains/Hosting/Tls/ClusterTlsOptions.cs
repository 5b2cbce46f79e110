namespace AgentOps.Hosting.Tls;

/// <summary>
/// Mutual TLS between silos and from clients (the web tier) to silos. Section <c>AgentOps:Cluster:Tls</c>.
/// Every member presents a certificate issued by the cluster's own authority and accepts only peers whose
/// certificate chains to that authority, so nothing without the cluster's key material can join or call grains.
/// </summary>
public sealed class ClusterTlsOptions
{
    public const string Section = "AgentOps:Cluster:Tls";

    /// <summary>
    /// On by default. Turning it off is only accepted while the cluster listens on a loopback address
    /// (a single-machine development cluster); an open port without authentication refuses to start.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>This member's certificate with its private key (PKCS#12, e.g. <c>.data/certs/node.pfx</c>).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Password of <see cref="CertificatePath"/>, if it has one.</summary>
    [Redact]
    public string? CertificatePassword { get; set; }

    /// <summary>The cluster authority's certificate (PEM or DER). Peers must chain to it; use one authority per cluster.</summary>
    public string? AuthorityPath { get; set; }

    /// <summary>How long a TLS handshake may take before the connection is dropped.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
