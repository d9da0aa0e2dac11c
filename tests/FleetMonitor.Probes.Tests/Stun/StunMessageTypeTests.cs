using FleetMonitor.Protocols.Stun;

namespace FleetMonitor.Probes.Tests.Stun;

public sealed class StunMessageTypeTests
{
    [Theory]
    [InlineData(0x001, StunClass.Request, 0x0001)]
    [InlineData(0x001, StunClass.Indication, 0x0011)]
    [InlineData(0x001, StunClass.SuccessResponse, 0x0101)]
    [InlineData(0x001, StunClass.ErrorResponse, 0x0111)]
    [InlineData(0x003, StunClass.Request, 0x0003)] // Allocate (RFC 8656)
    [InlineData(0x003, StunClass.SuccessResponse, 0x0103)]
    [InlineData(0x010, StunClass.Request, 0x0020)] // M4 skips C0
    [InlineData(0x080, StunClass.Request, 0x0200)] // M7 skips C1
    [InlineData(0xFFF, StunClass.ErrorResponse, 0x3FFF)]
    public void Method_and_class_interleave_as_rfc_8489_section_5_draws_them(int method, StunClass @class, int wire)
    {
        var type = new StunMessageType(method, @class);

        Assert.Equal(wire, type.Encode());
        Assert.Equal(type, StunMessageType.Decode((ushort)wire));
    }

    [Fact]
    public void Every_14_bit_type_round_trips()
    {
        for (var wire = 0; wire <= 0x3FFF; wire++)
            Assert.Equal(wire, StunMessageType.Decode((ushort)wire).Encode());
    }

    [Fact]
    public void Methods_beyond_12_bits_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StunMessageType(0x1000, StunClass.Request));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StunMessageType(-1, StunClass.Request));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StunMessageType(1, (StunClass)4));
    }

    [Fact]
    public void Transaction_id_round_trips_through_bytes_and_prints_as_hex()
    {
        byte[] bytes = [0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae];
        var id = new StunTransactionId(bytes);

        Assert.Equal(bytes, id.ToArray());
        Assert.Equal("b7e7a701bc34d686fa87dfae", id.ToString());
        Assert.Equal(id, new StunTransactionId(bytes));
        Assert.NotEqual(StunTransactionId.NewRandom(), StunTransactionId.NewRandom());
        Assert.Throws<ArgumentException>(() => new StunTransactionId(bytes.AsSpan(1)));
    }
}
