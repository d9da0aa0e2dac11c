using System.Diagnostics.CodeAnalysis;
using FleetMonitor.Probes.Http;
using FleetMonitor.Probes.Tcp;

namespace FleetMonitor.Probes;

/// <summary>The probes an agent can run, looked up by kind (<c>tcp</c>, <c>http</c>, ...).</summary>
public sealed class ProbeCatalog
{
    private readonly Dictionary<string, IProbe> _probes;

    /// <summary>A catalog of <paramref name="probes"/>; two probes of one kind are a programming error.</summary>
    public ProbeCatalog(IEnumerable<IProbe> probes)
    {
        ArgumentNullException.ThrowIfNull(probes);
        _probes = new Dictionary<string, IProbe>(StringComparer.Ordinal);
        foreach (var probe in probes)
        {
            if (!_probes.TryAdd(probe.Kind, probe))
                throw new ArgumentException($"two probes of kind '{probe.Kind}'", nameof(probes));
        }
    }

    /// <summary>The kinds in this catalog.</summary>
    public IReadOnlyCollection<string> Kinds => _probes.Keys;

    /// <summary>Every probe this library has, on the system clock.</summary>
    public static ProbeCatalog CreateDefault() => CreateDefault(TimeProvider.System);

    /// <summary>Every probe this library has, on <paramref name="timeProvider"/>.</summary>
    public static ProbeCatalog CreateDefault(TimeProvider timeProvider) => new(
    [
        new TcpConnectProbe(timeProvider),
        new HttpProbe(timeProvider),
        new Dns.DnsProbe(timeProvider),
        new Sip.SipOptionsProbe(timeProvider),
        new Media.MediaStreamProbe(timeProvider),
        new Nat.NatProbe(timeProvider),
        new SipAlg.SipAlgProbe(timeProvider),
        new Exposure.ExposureProbe(timeProvider),
        new Upnp.UpnpProbe(timeProvider),
    ]);

    public bool TryGet(string kind, [MaybeNullWhen(false)] out IProbe probe) =>
        _probes.TryGetValue(kind, out probe);
}
