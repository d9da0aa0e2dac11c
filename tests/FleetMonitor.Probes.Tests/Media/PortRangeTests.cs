using FleetMonitor.Probes.Media;

namespace FleetMonitor.Probes.Tests.Media;

public sealed class PortRangeTests
{
    [Theory]
    [InlineData("16384-16484", 16384, 16484)]
    [InlineData("16400", 16400, 16400)]
    [InlineData("1-65535", 1, 65535)]
    [InlineData(" 7000 - 7001 ", 7000, 7001)]
    public void Parses(string text, int first, int last)
    {
        Assert.True(PortRange.TryParse(text, out var range));
        Assert.Equal(new PortRange(first, last), range);
        Assert.Equal(last - first + 1, range.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("200-100")]
    [InlineData("a-b")]
    [InlineData("100-")]
    [InlineData("-100")]
    [InlineData("1-2-3")]
    public void Refuses(string text)
    {
        Assert.False(PortRange.TryParse(text, out _));
    }
}
