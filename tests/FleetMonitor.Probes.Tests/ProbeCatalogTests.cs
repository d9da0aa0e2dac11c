using FleetMonitor.Probes.Http;
using FleetMonitor.Probes.Tcp;

namespace FleetMonitor.Probes.Tests;

public sealed class ProbeCatalogTests
{
    [Fact]
    public void Default_catalog_has_the_tcp_and_http_probes()
    {
        var catalog = ProbeCatalog.CreateDefault();

        Assert.Equal(["dns", "exposure", "http", "media", "nat", "sip", "sip-alg", "tcp", "upnp"], catalog.Kinds.Order());
        Assert.True(catalog.TryGet("tcp", out var tcp));
        Assert.IsType<TcpConnectProbe>(tcp);
        Assert.True(catalog.TryGet("http", out var http));
        Assert.IsType<HttpProbe>(http);
    }

    [Fact]
    public void Unknown_kind_is_not_found()
    {
        var catalog = ProbeCatalog.CreateDefault();

        Assert.False(catalog.TryGet("stun", out var probe));
        Assert.Null(probe);
    }

    [Fact]
    public void Two_probes_of_one_kind_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new ProbeCatalog([new TcpConnectProbe(), new TcpConnectProbe()]));
    }
}
