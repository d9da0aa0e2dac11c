using System.Net;
using FleetMonitor.Probes.Nat;

namespace FleetMonitor.Probes.Tests.Nat;

public sealed class AddressScopeTests
{
    [Theory]
    [InlineData("100.64.0.0", "shared")]
    [InlineData("100.127.255.255", "shared")]
    [InlineData("100.63.255.255", "public")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.0.1", "private")]
    [InlineData("192.169.0.1", "public")]
    [InlineData("198.51.100.7", "public")]
    [InlineData("::ffff:100.64.1.1", "shared")]
    [InlineData("fd00::1", "private")]
    [InlineData("2001:db8::1", "public")]
    public void Scopes(string address, string scope)
    {
        Assert.Equal(scope, AddressScope.Of(IPAddress.Parse(address)));
    }
}
