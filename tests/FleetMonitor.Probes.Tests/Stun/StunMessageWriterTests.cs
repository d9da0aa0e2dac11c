using System.Net;
using FleetMonitor.Protocols.Stun;

namespace FleetMonitor.Probes.Tests.Stun;

/// <summary>The writer refuses to produce what the parser would refuse.</summary>
public sealed class StunMessageWriterTests
{
    private static readonly IPEndPoint EndPoint = new(IPAddress.Parse("192.0.2.1"), 3478);

    [Fact]
    public void Header_only_message_is_20_bytes_with_cookie_and_id()
    {
        var id = StunTransactionId.NewRandom();
        var bytes = new StunMessageWriter(StunMessageType.BindingRequest, id).ToArray();

        Assert.Equal(20, bytes.Length);
        Assert.Equal("000100002112A442", Convert.ToHexString(bytes.AsSpan(0, 8)));
        Assert.Equal(id.ToArray(), bytes[8..]);
    }

    [Fact]
    public void Padding_is_zero_and_the_length_field_follows_each_attribute()
    {
        var writer = New().AddUsername("abcde");
        Assert.Equal([0x00, 0x0C], writer.WrittenSpan[2..4].ToArray());
        Assert.Equal([(byte)'e', 0, 0, 0], writer.WrittenSpan[28..32].ToArray());

        writer.AddFingerprint();
        Assert.Equal([0x00, 0x14], writer.WrittenSpan[2..4].ToArray());
    }

    [Fact]
    public void A_second_copy_of_an_interpreted_attribute_is_refused()
    {
        var writer = New().AddXorMappedAddress(EndPoint);

        Assert.Throws<InvalidOperationException>(() => writer.AddXorMappedAddress(EndPoint));
        Assert.Throws<InvalidOperationException>(() => New().AddPadding(4).AddPadding(4));
        Assert.Equal(32, writer.Length);
    }

    [Fact]
    public void Only_fingerprint_may_follow_message_integrity_and_nothing_may_follow_fingerprint()
    {
        var integrity = New().AddMessageIntegrity([1, 2, 3]);
        Assert.Throws<InvalidOperationException>(() => integrity.AddSoftware("late"));
        Assert.Throws<InvalidOperationException>(() => integrity.AddMessageIntegrity([1]));
        integrity.AddFingerprint();
        Assert.Throws<InvalidOperationException>(() => integrity.AddFingerprint());
        Assert.Throws<InvalidOperationException>(() => New().AddFingerprint().AddUsername("late"));
    }

    [Fact]
    public void Values_the_rfcs_forbid_are_refused()
    {
        Assert.Throws<ArgumentException>(() => New().AddUsername(new string('u', 509)));
        Assert.ThrowsAny<ArgumentException>(() => New().AddUsername(""));
        Assert.Throws<ArgumentException>(() => New().AddUsername("bad\uD800surrogate"));
        Assert.Throws<ArgumentException>(() => New().AddSoftware(new string('s', 128)));
        New().AddSoftware(string.Concat(Enumerable.Repeat("\U0001F4DE", 127))); // 127 characters in 508 bytes: allowed
        Assert.Throws<ArgumentException>(() => New().AddSoftware(string.Concat(Enumerable.Repeat("\U0001F4DE", 128))));
        Assert.Throws<ArgumentOutOfRangeException>(() => New().AddErrorCode(new StunErrorCode(299, "low")));
        Assert.Throws<ArgumentOutOfRangeException>(() => New().AddErrorCode(new StunErrorCode(700, "high")));
        Assert.Throws<ArgumentOutOfRangeException>(() => New().AddChangeRequest((StunChangeRequest)1));
        Assert.Throws<ArgumentOutOfRangeException>(() => New().AddResponsePort(65536));
        Assert.Throws<ArgumentOutOfRangeException>(() => New().AddPadding(-1));
        Assert.Throws<ArgumentException>(() => New().AddMessageIntegrity([]));
    }

    [Theory]
    [InlineData(StunAttributeType.MappedAddress)]
    [InlineData(StunAttributeType.MessageIntegrity)]
    [InlineData(StunAttributeType.Fingerprint)]
    [InlineData(StunAttributeType.OtherAddress)]
    public void Raw_attributes_of_interpreted_types_are_refused(ushort type)
    {
        Assert.Throws<ArgumentException>(() => New().AddAttribute(type, new byte[8]));
    }

    [Fact]
    public void A_message_cannot_outgrow_the_16_bit_length()
    {
        var writer = New().AddPadding(65532 - 4);
        Assert.Equal(20 + 65532, writer.Length);
        Assert.True(StunMessageParser.Parse(writer.WrittenSpan).IsSuccess);

        Assert.Throws<InvalidOperationException>(() => writer.AddFingerprint());
        Assert.Throws<InvalidOperationException>(() => New().AddPadding(65532 - 3));
    }

    private static StunMessageWriter New() => new(StunMessageType.BindingRequest, StunTransactionId.NewRandom());
}
