using FleetMonitor.Protocols.Tcp;

namespace FleetMonitor.Probes.Tests.Tcp;

public sealed class TcpTargetTests
{
    [Theory]
    [InlineData("pbx.example.com:5061", "pbx.example.com", 5061)]
    [InlineData("192.0.2.10:443", "192.0.2.10", 443)]
    [InlineData("[2001:db8::1]:5060", "2001:db8::1", 5060)]
    [InlineData("[fe80::1%2]:80", "fe80::1%2", 80)]
    [InlineData("localhost:65535", "localhost", 65535)]
    public void Parses_host_and_port(string text, string host, int port)
    {
        Assert.True(TcpTarget.TryParse(text, out var target));
        Assert.Equal(host, target.Host);
        Assert.Equal(port, target.Port);
    }
}
