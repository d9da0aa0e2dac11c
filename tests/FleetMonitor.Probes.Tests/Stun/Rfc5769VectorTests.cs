using System.Net;
using System.Security.Cryptography;
using System.Text;
using FleetMonitor.Protocols.Stun;

namespace FleetMonitor.Probes.Tests.Stun;

/// <summary>The RFC 5769 sample messages: parsed, authenticated, fingerprint-checked, and rebuilt byte for byte.</summary>
public sealed class Rfc5769VectorTests
{
    // RFC 8445 §16.1 (ICE). PRIORITY sits in the comprehension-required range, ICE-CONTROLLED in the optional one.
    private const ushort Priority = 0x0024;
    private const ushort IceControlled = 0x8029;

    private static readonly byte[] Key = StunShortTermKey.FromPassword(Rfc5769Vectors.Password);
    private static readonly StunTransactionId SampleId = new(Rfc5769Vectors.TransactionId);

    [Fact]
    public void Sample_request_parses_with_username_software_and_the_ice_attributes_carried_raw()
    {
        var result = StunMessageParser.ParseAuthenticated(Rfc5769Vectors.SampleRequest, Key);

        Assert.True(result.IsSuccess, result.Detail);
        var message = result.Message;
        Assert.Equal(StunMessageType.BindingRequest, message.Type);
        Assert.Equal(0x0001, message.Type.Encode());
        Assert.Equal(SampleId, message.TransactionId);
        Assert.Equal(108, message.Length);
        Assert.Equal("STUN test client", message.Software);
        Assert.Equal(Rfc5769Vectors.Username, message.Username);
        Assert.True(message.HasMessageIntegrity);
        Assert.True(message.HasFingerprint);
        Assert.Collection(
            message.OtherAttributes,
            priority =>
            {
                Assert.Equal(Priority, priority.Type);
                Assert.Equal([0x6e, 0x00, 0x01, 0xff], priority.Value.ToArray());
            },
            controlled =>
            {
                Assert.Equal(IceControlled, controlled.Type);
                Assert.Equal([0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36], controlled.Value.ToArray());
            });

        // A plain STUN server (not an ICE agent) must answer this request with 420 listing PRIORITY.
        Assert.Equal([Priority], message.GetUnknownComprehensionRequired());
        Assert.Null(message.XorMappedAddress);
    }

    [Fact]
    public void Sample_ipv4_response_gives_192_0_2_1_port_32853()
    {
        var result = StunMessageParser.ParseAuthenticated(Rfc5769Vectors.SampleIPv4Response, Key);

        Assert.True(result.IsSuccess, result.Detail);
        Assert.Equal(StunMessageType.BindingSuccess, result.Message.Type);
        Assert.Equal(SampleId, result.Message.TransactionId);
        Assert.Equal("test vector", result.Message.Software);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), result.Message.XorMappedAddress);
        Assert.True(result.Message.HasFingerprint);
        Assert.Empty(result.Message.OtherAttributes);
    }

    [Fact]
    public void Sample_ipv6_response_gives_2001_db8_1234_5678_11_2233_4455_6677_port_32853()
    {
        var result = StunMessageParser.ParseAuthenticated(Rfc5769Vectors.SampleIPv6Response, Key);

        Assert.True(result.IsSuccess, result.Detail);
        Assert.Equal(StunMessageType.BindingSuccess, result.Message.Type);
        Assert.Equal("test vector", result.Message.Software);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853), result.Message.XorMappedAddress);
        Assert.True(result.Message.HasFingerprint);
    }

    // Our Reflector uses short-term credentials only, so the codec has no long-term key derivation. The sample still
    // proves the HMAC with a key that is not a password's bytes: the test derives the RFC 8489 §9.2.2 MD5 key itself.
    [Fact]
    public void Sample_long_term_request_parses_and_verifies_with_the_md5_key_derived_here()
    {
        var result = StunMessageParser.ParseAuthenticated(Rfc5769Vectors.SampleRequestLongTermAuth, LongTermKey());

        Assert.True(result.IsSuccess, result.Detail);
        var message = result.Message;
        Assert.Equal(StunMessageType.BindingRequest, message.Type);
        Assert.Equal(Rfc5769Vectors.LongTermUsername, message.Username);
        Assert.False(message.HasFingerprint);
        Assert.Collection(
            message.OtherAttributes,
            nonce => Assert.Equal((StunAttributeType.Nonce, Rfc5769Vectors.LongTermNonce), (nonce.Type, Encoding.ASCII.GetString(nonce.Value.Span))),
            realm => Assert.Equal((StunAttributeType.Realm, Rfc5769Vectors.LongTermRealm), (realm.Type, Encoding.ASCII.GetString(realm.Value.Span))));
        Assert.Equal([StunAttributeType.Nonce, StunAttributeType.Realm], message.GetUnknownComprehensionRequired());
    }

    [Theory]
    [MemberData(nameof(ShortTermSamples))]
    public void Short_term_samples_verify_only_with_their_password(string name, byte[] sample)
    {
        var plain = StunMessageParser.Parse(sample);
        Assert.True(plain.IsSuccess, $"{name}: {plain.Detail}");
        Assert.True(plain.Message.VerifyIntegrity(sample, Key), name);

        var wrongKey = StunShortTermKey.FromPassword("VOkJxbRl1RmTxUk/WvJxBT");
        Assert.False(plain.Message.VerifyIntegrity(sample, wrongKey), name);
        var wrong = StunMessageParser.ParseAuthenticated(sample, wrongKey);
        Assert.Equal(StunParseError.IntegrityMismatch, wrong.Error);
        Assert.Equal(StunAttributeType.MessageIntegrity, wrong.AttributeType);
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void Every_single_bit_flip_of_a_sample_is_refused(string name, byte[] sample)
    {
        // Every byte is under the header checks, FINGERPRINT or MESSAGE-INTEGRITY (padding included), so no flipped
        // bit may give a message, whatever it turns into.
        var key = name.StartsWith("2.4", StringComparison.Ordinal) ? LongTermKey() : Key;
        for (var bit = 0; bit < 8 * sample.Length; bit++)
        {
            var copy = (byte[])sample.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            var result = StunMessageParser.ParseAuthenticated(copy, key);
            Assert.False(result.IsSuccess, $"{name}: bit {bit} flipped and still accepted");
        }
    }

    [Fact]
    public void Sample_request_fingerprint_mismatch_is_reported_at_the_fingerprint()
    {
        var copy = (byte[])Rfc5769Vectors.SampleRequest.Clone();
        copy[^1] ^= 0x01;

        var result = StunMessageParser.Parse(copy);

        Assert.Equal(StunParseError.FingerprintMismatch, result.Error);
        Assert.Equal(100, result.Offset);
        Assert.Equal(StunAttributeType.Fingerprint, result.AttributeType);
    }

    [Fact]
    public void Sample_request_is_rebuilt_byte_for_byte()
    {
        // The RFC 5769 samples pad with spaces, which RFC 5389 allowed; hence PaddingByte.
        var writer = new StunMessageWriter(StunMessageType.BindingRequest, SampleId) { PaddingByte = 0x20 }
            .AddSoftware("STUN test client")
            .AddAttribute(Priority, [0x6e, 0x00, 0x01, 0xff])
            .AddAttribute(IceControlled, [0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36])
            .AddUsername(Rfc5769Vectors.Username)
            .AddMessageIntegrity(Key)
            .AddFingerprint();

        Assert.Equal(Convert.ToHexString(Rfc5769Vectors.SampleRequest), Convert.ToHexString(writer.ToArray()));
    }

    [Fact]
    public void Sample_ipv4_response_is_rebuilt_byte_for_byte()
    {
        var writer = new StunMessageWriter(StunMessageType.BindingSuccess, SampleId) { PaddingByte = 0x20 }
            .AddSoftware("test vector")
            .AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853))
            .AddMessageIntegrity(Key)
            .AddFingerprint();

        Assert.Equal(Convert.ToHexString(Rfc5769Vectors.SampleIPv4Response), Convert.ToHexString(writer.ToArray()));
    }

    [Fact]
    public void Sample_ipv6_response_is_rebuilt_byte_for_byte()
    {
        var writer = new StunMessageWriter(StunMessageType.BindingSuccess, SampleId) { PaddingByte = 0x20 }
            .AddSoftware("test vector")
            .AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853))
            .AddMessageIntegrity(Key)
            .AddFingerprint();

        Assert.Equal(Convert.ToHexString(Rfc5769Vectors.SampleIPv6Response), Convert.ToHexString(writer.ToArray()));
    }

    [Fact]
    public void Sample_long_term_request_is_rebuilt_byte_for_byte_with_zero_padding()
    {
        var writer = new StunMessageWriter(StunMessageType.BindingRequest, new StunTransactionId(Rfc5769Vectors.SampleRequestLongTermAuth.AsSpan(8, 12)))
            .AddUsername(Rfc5769Vectors.LongTermUsername)
            .AddAttribute(StunAttributeType.Nonce, Encoding.ASCII.GetBytes(Rfc5769Vectors.LongTermNonce))
            .AddAttribute(StunAttributeType.Realm, Encoding.ASCII.GetBytes(Rfc5769Vectors.LongTermRealm))
            .AddMessageIntegrity(LongTermKey());

        Assert.Equal(Convert.ToHexString(Rfc5769Vectors.SampleRequestLongTermAuth), Convert.ToHexString(writer.ToArray()));
    }

    [Fact]
    public void Zero_padded_rebuild_of_the_ipv4_response_differs_only_where_padding_and_its_checksums_are()
    {
        var zeroPadded = new StunMessageWriter(StunMessageType.BindingSuccess, SampleId)
            .AddSoftware("test vector")
            .AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853))
            .AddMessageIntegrity(Key)
            .AddFingerprint()
            .ToArray();

        var sample = Rfc5769Vectors.SampleIPv4Response;
        Assert.Equal(sample.Length, zeroPadded.Length);
        var differing = Enumerable.Range(0, sample.Length).Where(i => sample[i] != zeroPadded[i]).ToArray();
        Assert.Equal([35], differing.Where(i => i < 48));
        Assert.All(differing.Where(i => i >= 48), i => Assert.True(i is >= 52 and < 72 or >= 76, $"byte {i}"));
        Assert.True(StunMessageParser.ParseAuthenticated(zeroPadded, Key).IsSuccess);
    }

    [Fact]
    public void Fingerprint_crc_is_the_iso_hdlc_crc32()
    {
        Assert.Equal(0xCBF43926u, StunFingerprint.Crc32("123456789"u8));
        Assert.Equal(0u, StunFingerprint.Crc32([]));
    }

    public static TheoryData<string, byte[]> ShortTermSamples() => new()
    {
        { "2.1 request", Rfc5769Vectors.SampleRequest },
        { "2.2 IPv4 response", Rfc5769Vectors.SampleIPv4Response },
        { "2.3 IPv6 response", Rfc5769Vectors.SampleIPv6Response },
    };

    public static TheoryData<string, byte[]> AllSamples()
    {
        var data = new TheoryData<string, byte[]>();
        foreach (var (name, bytes) in Rfc5769Vectors.All)
            data.Add(name, bytes);
        return data;
    }

    // RFC 8489 §9.2.2: key = MD5(username ":" OpaqueString(realm) ":" OpaqueString(password)), the password as the RFC
    // gives it after SASLprep. MD5 is what the RFC specifies here, not a choice.
#pragma warning disable CA5351
    private static byte[] LongTermKey() =>
        MD5.HashData(Encoding.UTF8.GetBytes($"{Rfc5769Vectors.LongTermUsername}:{Rfc5769Vectors.LongTermRealm}:{Rfc5769Vectors.LongTermPasswordPrepared}"));
#pragma warning restore CA5351
}
