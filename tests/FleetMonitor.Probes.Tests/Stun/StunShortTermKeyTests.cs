using FleetMonitor.Protocols.Stun;

namespace FleetMonitor.Probes.Tests.Stun;

public sealed class StunShortTermKeyTests
{
    [Theory]
    [InlineData("VOkJxbRl1RmTxUk/WvJxBt")]
    [InlineData("with spaces and ~!@#$%^&*()")]
    public void Printable_ascii_passwords_are_their_own_key(string password)
    {
        Assert.Equal(System.Text.Encoding.ASCII.GetBytes(password), StunShortTermKey.FromPassword(password));
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("The\u00ADM\u00AAtr\u2168")] // RFC 5769 §2.4's password before SASLprep
    [InlineData("caf\u00e9")]
    [InlineData("nul\0")]
    [InlineData("del\u007f")]
    public void Passwords_that_would_need_preparation_are_refused(string password)
    {
        Assert.ThrowsAny<ArgumentException>(() => StunShortTermKey.FromPassword(password));
    }
}
