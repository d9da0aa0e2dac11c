using System.ComponentModel.DataAnnotations;
using System.Net;
using FleetMonitor.Reflector.Stun;

namespace FleetMonitor.Reflector.Tests.Stun;

public sealed class StunOptionsTests
{
    [Fact]
    public void Off_without_a_primary_address_and_then_nothing_else_is_checked()
    {
        var options = new StunOptions { AlternateAddress = "nonsense" };

        Assert.False(options.Enabled);
        Assert.Empty(Validate(options));
    }

    [Fact]
    public void Two_addresses_and_two_ports_make_four_endpoints()
    {
        var options = new StunOptions { PrimaryAddress = "198.51.100.10", AlternateAddress = "198.51.100.11" };

        Assert.True(options.Enabled);
        Assert.Empty(Validate(options));
        Assert.Equal(
            ["198.51.100.10:3478", "198.51.100.10:3479", "198.51.100.11:3478", "198.51.100.11:3479"],
            options.Addresses().All.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("198.51.100.10", "", 3478, 3479, "AlternateAddress")]
    [InlineData("198.51.100.10", "198.51.100.10", 3478, 3479, "must differ")]
    [InlineData("198.51.100.10", "2001:db8::1", 3478, 3479, "one family")]
    [InlineData("0.0.0.0", "198.51.100.11", 3478, 3479, "PrimaryAddress")]
    [InlineData("stun.example", "198.51.100.11", 3478, 3479, "PrimaryAddress")]
    [InlineData("198.51.100.10", "198.51.100.11", 3478, 3478, "ports must differ")]
    [InlineData("198.51.100.10", "198.51.100.11", 0, 3479, "PrimaryPort")]
    public void Invalid_settings_are_named(string primary, string alternate, int primaryPort, int alternatePort, string named)
    {
        var options = new StunOptions
        {
            PrimaryAddress = primary,
            AlternateAddress = alternate,
            PrimaryPort = primaryPort,
            AlternatePort = alternatePort,
        };

        var errors = Validate(options);

        Assert.Contains(errors, e => e.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public void Other_address_and_port_are_the_ones_a_request_did_not_arrive_on()
    {
        var addresses = new StunServerAddresses(IPAddress.Parse("198.51.100.10"), IPAddress.Parse("198.51.100.11"), 3478, 3479);

        Assert.Equal(IPEndPoint.Parse("198.51.100.11:3479"), addresses.OtherEndpoint(IPEndPoint.Parse("198.51.100.10:3478")));
        Assert.Equal(IPEndPoint.Parse("198.51.100.10:3478"), addresses.OtherEndpoint(IPEndPoint.Parse("198.51.100.11:3479")));
        Assert.Equal(IPEndPoint.Parse("198.51.100.11:3478"), addresses.OtherEndpoint(IPEndPoint.Parse("198.51.100.10:3479")));
    }

    private static List<string> Validate(StunOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return [.. results.Select(r => $"{string.Join(",", r.MemberNames)}: {r.ErrorMessage}")];
    }
}
