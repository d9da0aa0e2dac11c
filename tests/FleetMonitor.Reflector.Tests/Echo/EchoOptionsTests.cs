using System.ComponentModel.DataAnnotations;
using System.Net;
using FleetMonitor.Reflector.Echo;

namespace FleetMonitor.Reflector.Tests.Echo;

public sealed class EchoOptionsTests
{
    [Fact]
    public void Default_is_port_7000_on_every_IPv4_address()
    {
        Assert.Equal([new IPEndPoint(IPAddress.Any, 7000)], new EchoOptions().ParsedEndpoints());
    }

    [Theory]
    [InlineData("0.0.0.0:7000")]
    [InlineData("198.51.100.2:7000")]
    [InlineData("[::]:7000")]
    [InlineData("[2001:db8::1]:7001")]
    [InlineData("127.0.0.1:0")]
    public void Accepts_address_and_port(string text)
    {
        Assert.True(EchoOptions.TryParseEndpoint(text, out var endpoint));
        Assert.Equal(IPEndPoint.Parse(text), endpoint);
    }

    [Theory]
    [InlineData("")]
    [InlineData("7000")]
    [InlineData("0.0.0.0")]
    [InlineData("0.0.0.0:")]
    [InlineData(":7000")]
    [InlineData("::1:7000")]
    [InlineData("[127.0.0.1]:7000")]
    [InlineData("reflector.example:7000")]
    [InlineData("0.0.0.0:65536")]
    public void Refuses_anything_else(string text)
    {
        Assert.False(EchoOptions.TryParseEndpoint(text, out _));
    }

    [Fact]
    public void Validation_names_bad_and_repeated_endpoints()
    {
        var options = new EchoOptions();
        options.Endpoints.Add("0.0.0.0:7000");
        options.Endpoints.Add("nonsense");
        options.Endpoints.Add("0.0.0.0:7000");

        var results = new List<ValidationResult>();
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));

        Assert.Equal(2, results.Count);
        Assert.Contains(results, r => r.ErrorMessage!.Contains("'nonsense'", StringComparison.Ordinal));
        Assert.Contains(results, r => r.ErrorMessage!.Contains("twice", StringComparison.Ordinal));
    }
}
