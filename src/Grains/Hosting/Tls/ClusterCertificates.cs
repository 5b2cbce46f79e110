using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AgentOps.Hosting.Tls;

/// <summary>
/// The cluster's key material: a private certificate authority and member certificates it issues.
/// <c>AgentOps.Silo certs --out DIR</c> (called by <c>./run.sh</c> and docker-compose) and the tests use it.
/// </summary>
public static class ClusterCertificates
{
    /// <summary>The name members present and expect (TLS target host); trust comes from the authority, not the name.</summary>
    public const string MemberName = "agentops-cluster";

    public const string AuthorityFile = "cluster-ca.crt";
    public const string MemberFile = "node.pfx";

    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>A new self-signed authority (ECDSA P-256), with its private key.</summary>
    public static X509Certificate2 CreateAuthority(string name = "AgentOps cluster authority", TimeSpan? lifetime = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now + (lifetime ?? TimeSpan.FromDays(3650)));
        return Reload(created);
    }

    /// <summary>A member certificate (server and client authentication) issued by <paramref name="authority"/>.</summary>
    public static X509Certificate2 IssueMember(X509Certificate2 authority, IEnumerable<string>? extraNames = null, TimeSpan? lifetime = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={MemberName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth, ClientAuth], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(MemberName);
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        foreach (var extra in extraNames ?? [])
        {
            if (IPAddress.TryParse(extra, out var ip)) names.AddIpAddress(ip);
            else names.AddDnsName(extra);
        }
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

        var now = DateTimeOffset.UtcNow;
        var notAfter = now + (lifetime ?? TimeSpan.FromDays(825));
        if (notAfter > authority.NotAfter) notAfter = authority.NotAfter;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(authority, now.AddMinutes(-5), notAfter, serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    /// <summary>
    /// Writes the authority's certificate (public) and a member certificate with its key into <paramref name="directory"/>,
    /// unless they are there already. The authority's private key is not kept: new members get a new directory.
    /// </summary>
    public static (string AuthorityPath, string MemberPath, bool Created) EnsureWritten(string directory, IEnumerable<string>? extraNames = null)
    {
        Directory.CreateDirectory(directory);
        var authorityPath = Path.Combine(directory, AuthorityFile);
        var memberPath = Path.Combine(directory, MemberFile);
        if (File.Exists(authorityPath) && File.Exists(memberPath)) return (authorityPath, memberPath, false);

        using var authority = CreateAuthority();
        using var member = IssueMember(authority, extraNames);
        File.WriteAllText(authorityPath, authority.ExportCertificatePem() + "\n");
        WritePrivate(memberPath, member.Export(X509ContentType.Pkcs12));
        return (authorityPath, memberPath, true);
    }

    public static X509Certificate2 LoadMember(string path, string? password)
    {
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        if (!certificate.HasPrivateKey)
            throw new InvalidOperationException($"The cluster certificate {path} has no private key.");
        return certificate;
    }

    public static X509Certificate2 LoadAuthority(string path) => X509CertificateLoader.LoadCertificateFromFile(path);

    /// <summary>True when <paramref name="presented"/> was issued by <paramref name="authority"/> and is valid now.</summary>
    public static bool IsIssuedBy(X509Certificate2 presented, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        // A private authority publishes no revocation lists: membership is revoked by issuing a new authority.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        if (!chain.Build(presented)) return false;
        var root = chain.ChainElements[^1].Certificate;
        return root.RawDataMemory.Span.SequenceEqual(authority.RawDataMemory.Span);
    }

    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        // A round trip through PKCS#12 gives a certificate whose key SslStream can use on every platform.
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);

    private static void WritePrivate(string path, byte[] content)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        stream.Write(content);
    }
}
