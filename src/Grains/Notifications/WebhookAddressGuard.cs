using System.Net;
using System.Net.Sockets;

namespace AgentOps.Notifications;

/// <summary>
/// Keeps webhooks out of the cluster's own network. A webhook URL is chosen by an admin but posted from inside the
/// cluster, next to PostgreSQL, the silos and a cloud's metadata endpoint; unless
/// <c>AgentOps:Webhooks:AllowPrivateNetworks</c> is set, only public addresses are reached. The check is made when
/// connecting, on the addresses the name resolves to then, so a name re-pointed after it was registered (DNS
/// rebinding) gains nothing.
/// </summary>
public static class WebhookAddressGuard
{
    /// <summary>The handler of the dispatchers' HTTP client: no redirects (a redirect could lead anywhere), the guard unless private networks are allowed.</summary>
    public static SocketsHttpHandler CreateHandler(bool allowPrivateNetworks) =>
        allowPrivateNetworks ? new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) } : CreateHandler(IsPublic);

    /// <summary>The same handler connecting only to addresses <paramref name="reachable"/> accepts (<see cref="IsPublic"/> in the cluster).</summary>
    public static SocketsHttpHandler CreateHandler(Func<IPAddress, bool> reachable) => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context, reachable, cancellationToken),
    };

    /// <summary>Whether an address is on the public internet: not loopback, private, shared, link-local, multicast or reserved.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 or >= 224                 // this network, private, loopback, multicast and reserved
                     || (b[0] == 100 && b[1] >= 64 && b[1] < 128)     // shared address space (carrier-grade NAT)
                     || (b[0] == 169 && b[1] == 254)                  // link-local, cloud metadata
                     || (b[0] == 172 && b[1] >= 16 && b[1] < 32)      // private
                     || (b[0] == 192 && b[1] == 168)                  // private
                     || (b[0] == 192 && b[1] == 0 && b[2] == 0)       // protocol assignments
                     || (b[0] == 198 && b[1] is 18 or 19));           // benchmarking
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal
            || address.IsIPv6Multicast || address.IsIPv6UniqueLocal) return false;
        return true;
    }

    /// <summary>Whether a URL's host is itself a non-public address or a loopback name: refused when the webhook is registered.</summary>
    public static bool NamesPrivateHost(Uri url) =>
        url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 ? !IsPublic(IPAddress.Parse(url.IdnHost.Trim('[', ']')))
        : url.IdnHost.Equals("localhost", StringComparison.OrdinalIgnoreCase) || url.IdnHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, Func<IPAddress, bool> reachable, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(reachable).ToArray();
        if (allowed.Length == 0)
            throw new HttpRequestException($"{host} is a private, loopback or link-local address; webhooks do not reach those unless AgentOps:Webhooks:AllowPrivateNetworks is set");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
