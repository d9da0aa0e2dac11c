using System.Net;
using FleetMonitor.Protocols.Stun;

namespace FleetMonitor.Probes.Tests.Stun;

/// <summary>Every kind of malformed input, each giving its own parse error at the right place; and the odd inputs that are valid.</summary>
public sealed class StunMessageParserTests
{
    private static readonly byte[] Key = "key"u8.ToArray();
    private static readonly byte[] IPv4Value = [0, 1, 0x0D, 0x96, 192, 0, 2, 1];

    public static TheoryData<string, byte[], StunParseError, int, ushort> Malformed() => new()
    {
        { "empty", [], StunParseError.TooShort, 0, 0 },
        { "19 bytes", Rfc5769Vectors.SampleRequest[..19], StunParseError.TooShort, 0, 0 },
        { "first bit set (RTP)", Patch(Rfc5769Vectors.SampleRequest, 0, 0x80), StunParseError.NotStun, 0, 0 },
        { "second bit set", Patch(Rfc5769Vectors.SampleRequest, 0, 0x40), StunParseError.NotStun, 0, 0 },
        { "RFC 3489 (no cookie)", new RawStunBuilder().Build(cookie: 0x12345678), StunParseError.BadMagicCookie, 4, 0 },
        { "length 3", new RawStunBuilder().Build(declaredLength: 3), StunParseError.LengthNotMultipleOfFour, 2, 0 },
        { "length says 4 more", new RawStunBuilder().Build(declaredLength: 4), StunParseError.Truncated, 2, 0 },
        { "last word cut off", Rfc5769Vectors.SampleRequest[..^4], StunParseError.Truncated, 2, 0 },
        { "trailing word", [.. Rfc5769Vectors.SampleRequest, 0, 0, 0, 0], StunParseError.TrailingBytes, 108, 0 },
        { "trailing byte", [.. Rfc5769Vectors.SampleRequest, 0], StunParseError.TrailingBytes, 108, 0 },
        { "33 attributes", ManyAttributes(33), StunParseError.TooManyAttributes, 20 + 32 * 4, 0x8120 },
        { "value overruns", new RawStunBuilder().Attribute(0x8123, new byte[4], declaredLength: 5).Build(), StunParseError.AttributeOverrun, 20, 0x8123 },
        { "value length 0xFFFF", new RawStunBuilder().Attribute(StunAttributeType.Software, new byte[8], declaredLength: 0xFFFF).Build(), StunParseError.AttributeOverrun, 20, StunAttributeType.Software },
        { "padding missing", Cut(new RawStunBuilder().Attribute(StunAttributeType.Username, "abc"u8.ToArray()).Build(), 1, fixLength: true), StunParseError.LengthNotMultipleOfFour, 2, 0 },
        { "IPv4 address in 20 bytes", new RawStunBuilder().Attribute(StunAttributeType.XorMappedAddress, [0, 1, 0, 0, .. new byte[16]]).Build(), StunParseError.BadAttributeLength, 20, StunAttributeType.XorMappedAddress },
        { "IPv6 address in 8 bytes", new RawStunBuilder().Attribute(StunAttributeType.MappedAddress, [0, 2, 0, 0, 1, 2, 3, 4]).Build(), StunParseError.BadAttributeLength, 20, StunAttributeType.MappedAddress },
        { "address in 3 bytes", new RawStunBuilder().Attribute(StunAttributeType.OtherAddress, [0, 1, 0]).Build(), StunParseError.BadAttributeLength, 20, StunAttributeType.OtherAddress },
        { "address family 3", new RawStunBuilder().Attribute(StunAttributeType.ResponseOrigin, [0, 3, 0, 0, 1, 2, 3, 4]).Build(), StunParseError.BadAddressFamily, 20, StunAttributeType.ResponseOrigin },
        { "address family 0", new RawStunBuilder().Attribute(StunAttributeType.XorMappedAddress, [0, 0, 0, 0, 1, 2, 3, 4]).Build(), StunParseError.BadAddressFamily, 20, StunAttributeType.XorMappedAddress },
        { "CHANGE-REQUEST of 8 bytes", new RawStunBuilder().Attribute(StunAttributeType.ChangeRequest, new byte[8]).Build(), StunParseError.BadAttributeLength, 20, StunAttributeType.ChangeRequest },
        { "RESPONSE-PORT of 2 bytes", new RawStunBuilder().Attribute(StunAttributeType.ResponsePort, [0x0D, 0x96]).Build(), StunParseError.BadAttributeLength, 20, StunAttributeType.ResponsePort },
        { "MESSAGE-INTEGRITY of 16 bytes", new RawStunBuilder().Attribute(StunAttributeType.MessageIntegrity, new byte[16]).Build(), StunParseError.BadAttributeLength, 20, StunAttributeType.MessageIntegrity },
        { "FINGERPRINT of 8 bytes", new RawStunBuilder().Attribute(StunAttributeType.Fingerprint, new byte[8]).Build(), StunParseError.BadAttributeLength, 20, StunAttributeType.Fingerprint },
        { "UNKNOWN-ATTRIBUTES of 3 bytes", new RawStunBuilder().Attribute(StunAttributeType.UnknownAttributes, [0, 1, 0]).Build(), StunParseError.BadAttributeLength, 20, StunAttributeType.UnknownAttributes },
        { "ERROR-CODE of 3 bytes", new RawStunBuilder().Attribute(StunAttributeType.ErrorCode, [0, 0, 4]).Build(0x0111), StunParseError.BadAttributeLength, 20, StunAttributeType.ErrorCode },
        { "USERNAME of 764 bytes", new RawStunBuilder().Attribute(StunAttributeType.Username, Enumerable.Repeat((byte)'u', 764).ToArray()).Build(), StunParseError.BadAttributeLength, 20, StunAttributeType.Username },
        { "SOFTWARE of 764 bytes", new RawStunBuilder().Attribute(StunAttributeType.Software, Enumerable.Repeat((byte)'s', 764).ToArray()).Build(), StunParseError.BadAttributeLength, 20, StunAttributeType.Software },
        { "error class 2", new RawStunBuilder().Attribute(StunAttributeType.ErrorCode, [0, 0, 2, 0]).Build(0x0111), StunParseError.BadErrorCode, 20, StunAttributeType.ErrorCode },
        { "error class 7", new RawStunBuilder().Attribute(StunAttributeType.ErrorCode, [0, 0, 7, 0]).Build(0x0111), StunParseError.BadErrorCode, 20, StunAttributeType.ErrorCode },
        { "error number 100", new RawStunBuilder().Attribute(StunAttributeType.ErrorCode, [0, 0, 4, 100]).Build(0x0111), StunParseError.BadErrorCode, 20, StunAttributeType.ErrorCode },
        { "USERNAME empty", new RawStunBuilder().Attribute(StunAttributeType.Username, []).Build(), StunParseError.InvalidText, 20, StunAttributeType.Username },
        { "USERNAME not UTF-8", new RawStunBuilder().Attribute(StunAttributeType.Username, [(byte)'a', 0xC3, 0x28]).Build(), StunParseError.InvalidText, 20, StunAttributeType.Username },
        { "SOFTWARE overlong NUL", new RawStunBuilder().Attribute(StunAttributeType.Software, [0xC0, 0x80]).Build(), StunParseError.InvalidText, 20, StunAttributeType.Software },
        { "SOFTWARE encoded surrogate", new RawStunBuilder().Attribute(StunAttributeType.Software, [0xED, 0xA0, 0x80]).Build(), StunParseError.InvalidText, 20, StunAttributeType.Software },
        { "SOFTWARE of 128 characters", new RawStunBuilder().Attribute(StunAttributeType.Software, Enumerable.Repeat((byte)'s', 128).ToArray()).Build(), StunParseError.InvalidText, 20, StunAttributeType.Software },
        { "reason not UTF-8", new RawStunBuilder().Attribute(StunAttributeType.ErrorCode, [0, 0, 4, 0, 0xFF]).Build(0x0111), StunParseError.InvalidText, 20, StunAttributeType.ErrorCode },
        { "two XOR-MAPPED-ADDRESS", new RawStunBuilder().Attribute(StunAttributeType.XorMappedAddress, IPv4Value).Attribute(StunAttributeType.XorMappedAddress, IPv4Value).Build(0x0101), StunParseError.DuplicateAttribute, 32, StunAttributeType.XorMappedAddress },
        { "two USERNAME", new RawStunBuilder().Attribute(StunAttributeType.Username, "a"u8.ToArray()).Attribute(StunAttributeType.Username, "b"u8.ToArray()).Build(), StunParseError.DuplicateAttribute, 28, StunAttributeType.Username },
        { "USERNAME after MESSAGE-INTEGRITY", new RawStunBuilder().Attribute(StunAttributeType.MessageIntegrity, new byte[20]).Attribute(StunAttributeType.Username, "a"u8.ToArray()).Build(), StunParseError.AttributeAfterIntegrity, 44, StunAttributeType.Username },
        { "CHANGE-REQUEST after MESSAGE-INTEGRITY", new RawStunBuilder().Attribute(StunAttributeType.MessageIntegrity, new byte[20]).Attribute(StunAttributeType.ChangeRequest, [0, 0, 0, 6]).Build(), StunParseError.AttributeAfterIntegrity, 44, StunAttributeType.ChangeRequest },
        { "SOFTWARE after FINGERPRINT", Append(Rfc5769Vectors.SampleIPv4Response, StunAttributeType.Software, "x"u8.ToArray()), StunParseError.FingerprintNotLast, 80, StunAttributeType.Software },
        { "wrong FINGERPRINT", new RawStunBuilder().Attribute(StunAttributeType.Fingerprint, [0xDE, 0xAD, 0xBE, 0xEF]).Build(), StunParseError.FingerprintMismatch, 20, StunAttributeType.Fingerprint },
        { "FINGERPRINT of another transaction", Patch(Rfc5769Vectors.SampleIPv4Response, 19, 0x01), StunParseError.FingerprintMismatch, 72, StunAttributeType.Fingerprint },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_input_gives_its_error_where_it_is(string name, byte[] input, StunParseError error, int offset, ushort attributeType)
    {
        var result = StunMessageParser.Parse(input);

        Assert.False(result.IsSuccess, name);
        Assert.Null(result.Message);
        Assert.Equal((error, offset, attributeType), (result.Error, result.Offset, result.AttributeType));
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));

        // The authenticated parse refuses it for the same reason.
        Assert.Equal(error, StunMessageParser.ParseAuthenticated(input, Key).Error);
    }

    [Fact]
    public void Detail_names_the_attribute_and_the_byte()
    {
        var result = StunMessageParser.Parse(new RawStunBuilder().Attribute(StunAttributeType.ChangeRequest, new byte[8]).Build());

        Assert.Equal("CHANGE-REQUEST at byte 20: the attribute's length is wrong for its type", result.Detail);
        Assert.Equal("the magic cookie is not 0x2112A442 (byte 4)", StunMessageParser.Parse(new RawStunBuilder().Build(cookie: 0)).Detail);
    }

    [Fact]
    public void Authenticated_parse_needs_message_integrity()
    {
        var result = StunMessageParser.ParseAuthenticated(new RawStunBuilder().Attribute(StunAttributeType.Username, "a"u8.ToArray()).Fingerprint().Build(), Key);

        Assert.Equal(StunParseError.IntegrityMissing, result.Error);
        Assert.Throws<ArgumentException>(() => StunMessageParser.ParseAuthenticated(Rfc5769Vectors.SampleRequest, []));
    }

    [Fact]
    public void Header_alone_is_a_message()
    {
        var result = StunMessageParser.Parse(new RawStunBuilder().Build());

        Assert.True(result.IsSuccess, result.Detail);
        Assert.Equal(StunMessageType.BindingRequest, result.Message.Type);
        Assert.False(result.Message.HasMessageIntegrity);
        Assert.Empty(result.Message.OtherAttributes);
    }

    [Fact]
    public void Exactly_32_attributes_are_accepted()
    {
        var result = StunMessageParser.Parse(ManyAttributes(32));

        Assert.True(result.IsSuccess, result.Detail);
        Assert.Equal(32, result.Message.OtherAttributes.Count);
    }

    [Fact]
    public void What_the_rfcs_say_to_ignore_is_ignored()
    {
        var input = new RawStunBuilder()
            .Attribute(StunAttributeType.MappedAddress, [0xFF, 1, 0x0D, 0x96, 192, 0, 2, 1]) // reserved first byte (RFC 8489 §14.1)
            .Attribute(StunAttributeType.ChangeRequest, [0xFF, 0xFF, 0xFF, 0xFF]) // bits RFC 5780 does not define
            .Attribute(StunAttributeType.ResponsePort, [0x0D, 0x96, 0xAB, 0xCD]) // its 2 bytes of padding
            .Attribute(StunAttributeType.ErrorCode, [0xFF, 0xFF, 0xFC, 20, (byte)'x']) // 21 reserved bits
            .Attribute(StunAttributeType.Username, "abcde"u8.ToArray(), padding: 0xEE) // padding content (RFC 8489 §14)
            .Attribute(StunAttributeType.Padding, [1, 2, 3, 4, 5, 6, 7]) // free-form (RFC 5780 §7.6)
            .Fingerprint()
            .Build();

        var result = StunMessageParser.Parse(input);

        Assert.True(result.IsSuccess, result.Detail);
        var message = result.Message;
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 3478), message.MappedAddress);
        Assert.Equal(StunChangeRequest.ChangeIp | StunChangeRequest.ChangePort, message.ChangeRequest);
        Assert.Equal(3478, message.ResponsePort);
        Assert.Equal(new StunErrorCode(420, "x"), message.ErrorCode);
        Assert.Equal((4, 20), (message.ErrorCode!.Class, message.ErrorCode.Number));
        Assert.Equal("abcde", message.Username);
        Assert.Equal(7, message.PaddingLength);
        Assert.True(message.HasFingerprint);
    }

    [Fact]
    public void Message_integrity_sha256_and_fingerprint_may_follow_message_integrity()
    {
        var key = StunShortTermKey.FromPassword("pw");
        var bytes = new StunMessageWriter(StunMessageType.BindingRequest, StunTransactionId.NewRandom())
            .AddUsername("user")
            .AddMessageIntegrity(key)
            .AddAttribute(StunAttributeType.MessageIntegritySha256, new byte[32])
            .AddFingerprint()
            .ToArray();

        var result = StunMessageParser.ParseAuthenticated(bytes, key);

        Assert.True(result.IsSuccess, result.Detail);
        // Not understood, comprehension-required: a server answers 420 (RFC 8489 §14.6 is not implemented here).
        Assert.Equal([StunAttributeType.MessageIntegritySha256], result.Message.GetUnknownComprehensionRequired());
    }

    [Fact]
    public void Integrity_is_checked_over_the_length_up_to_itself_not_the_fingerprint_after_it()
    {
        // Same message with and without FINGERPRINT: the HMAC value must not change (RFC 8489 §14.5).
        var id = StunTransactionId.NewRandom();
        var key = StunShortTermKey.FromPassword("pw");
        StunMessageWriter Build() => new StunMessageWriter(StunMessageType.BindingRequest, id).AddUsername("user").AddMessageIntegrity(key);
        var without = Build().ToArray();
        var with = Build().AddFingerprint().ToArray();

        Assert.Equal(without[^20..], with[^28..^8]);
        Assert.True(StunMessageParser.ParseAuthenticated(without, key).IsSuccess);
        Assert.True(StunMessageParser.ParseAuthenticated(with, key).IsSuccess);
    }

    [Fact]
    public void Verify_integrity_refuses_bytes_other_than_those_parsed()
    {
        var key = StunShortTermKey.FromPassword(Rfc5769Vectors.Password);
        var message = StunMessageParser.Parse(Rfc5769Vectors.SampleRequest).Message!;

        Assert.False(message.VerifyIntegrity(Rfc5769Vectors.SampleIPv4Response, key));
        Assert.False(message.VerifyIntegrity(Rfc5769Vectors.SampleRequest.AsSpan(0, 100), key));
        Assert.False(message.VerifyIntegrity(Rfc5769Vectors.SampleRequest, []));
        Assert.True(message.VerifyIntegrity(Rfc5769Vectors.SampleRequest, key));
    }

    private static byte[] ManyAttributes(int count)
    {
        var builder = new RawStunBuilder();
        for (var i = 0; i < count; i++)
            builder.Attribute((ushort)(0x8100 + i), []);
        return builder.Build();
    }

    private static byte[] Patch(byte[] bytes, int index, byte xor)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= xor;
        return copy;
    }

    private static byte[] Cut(byte[] bytes, int count, bool fixLength)
    {
        var copy = bytes[..^count];
        if (fixLength)
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(2), (ushort)(copy.Length - 20));
        return copy;
    }

    private static byte[] Append(byte[] message, ushort type, byte[] value)
    {
        var extra = new RawStunBuilder().Attribute(type, value).Build()[20..];
        byte[] combined = [.. message, .. extra];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(combined.AsSpan(2), (ushort)(combined.Length - 20));
        return combined;
    }
}
