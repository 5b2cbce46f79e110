using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace AgentOps.Hosting.Tls;

/// <summary>
/// Connection middleware for Orleans' silo, gateway and client connections: a mutual TLS handshake over the raw
/// transport, then the rest of the connection runs over the encrypted stream. A peer that presents no certificate,
/// or one not issued by the cluster authority, is dropped before Orleans reads a single message from it.
/// </summary>
public sealed class ClusterTlsConnection(X509Certificate2 member, X509Certificate2 authority, TimeSpan handshakeTimeout, ILogger logger)
{
    private readonly SslStreamCertificateContext _serverContext = SslStreamCertificateContext.Create(member, [authority], offline: true);

    public ConnectionDelegate Server(ConnectionDelegate next) =>
        // A handshake must never hold up the listener that accepts the next connection.
        context => Task.Run(() => RunAsync(context, next, asServer: true));

    public ConnectionDelegate Client(ConnectionDelegate next) => context => RunAsync(context, next, asServer: false);

    private async Task RunAsync(ConnectionContext context, ConnectionDelegate next, bool asServer)
    {
        var original = context.Transport;
        var ssl = new SslStream(new PipeStream(original), leaveInnerStreamOpen: false, Validate);
        try
        {
            using (var timeout = new CancellationTokenSource(handshakeTimeout))
            {
                if (asServer)
                {
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = _serverContext,
                        ClientCertificateRequired = true,
                        EnabledSslProtocols = SslProtocols.Tls13 | SslProtocols.Tls12,
                        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    }, timeout.Token);
                }
                else
                {
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                    {
                        TargetHost = ClusterCertificates.MemberName,
                        LocalCertificateSelectionCallback = (_, _, _, _, _) => member,
                        EnabledSslProtocols = SslProtocols.Tls13 | SslProtocols.Tls12,
                        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    }, timeout.Token);
                }
            }
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            logger.LogWarning("Cluster TLS handshake with {Remote} failed ({Role}): {Reason}",
                context.RemoteEndPoint, asServer ? "inbound" : "outbound", e.Message);
            await ssl.DisposeAsync();
            context.Abort(new ConnectionAbortedException("The cluster TLS handshake failed.", e));
            if (!asServer) throw new ConnectionAbortedException("The cluster TLS handshake failed: " + e.Message, e);
            return;
        }

        var input = PipeReader.Create(ssl, new StreamPipeReaderOptions(leaveOpen: true));
        var output = PipeWriter.Create(ssl, new StreamPipeWriterOptions(leaveOpen: true));
        context.Transport = new DuplexPipe(input, output);
        try
        {
            await next(context);
        }
        finally
        {
            await input.CompleteAsync();
            await output.CompleteAsync();
            await ssl.DisposeAsync();
            // Orleans closes the connection through the transport it handed out.
            context.Transport = original;
        }
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null) return false;
        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        // Trust is the cluster authority alone: the host name and the machine's trust store play no part.
        return ClusterCertificates.IsIssuedBy(presented, authority);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
