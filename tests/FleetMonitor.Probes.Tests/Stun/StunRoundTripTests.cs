using System.Net;
using System.Text;
using FleetMonitor.Protocols.Stun;

namespace FleetMonitor.Probes.Tests.Stun;

/// <summary>Property tests: for random values of every attribute, what the writer writes, the parser reads back unchanged.</summary>
public sealed class StunRoundTripTests
{
    private const int Cases = 400;

    public static TheoryData<ushort> AddressTypes() =>
    [
        StunAttributeType.MappedAddress,
        StunAttributeType.XorMappedAddress,
        StunAttributeType.OtherAddress,
        StunAttributeType.ResponseOrigin,
    ];

    [Theory]
    [MemberData(nameof(AddressTypes))]
    public void Address_attributes_round_trip_for_ipv4_and_ipv6(ushort type)
    {
        var random = new Random(type);
        for (var i = 0; i < Cases; i++)
        {
            var endPoint = RandomEndPoint(random, ipv6: i % 2 == 1);
            var writer = NewWriter(random, StunMessageType.BindingSuccess);
            _ = type switch
            {
                StunAttributeType.MappedAddress => writer.AddMappedAddress(endPoint),
                StunAttributeType.XorMappedAddress => writer.AddXorMappedAddress(endPoint),
                StunAttributeType.OtherAddress => writer.AddOtherAddress(endPoint),
                _ => writer.AddResponseOrigin(endPoint),
            };

            var message = RoundTrip(writer);

            var read = type switch
            {
                StunAttributeType.MappedAddress => message.MappedAddress,
                StunAttributeType.XorMappedAddress => message.XorMappedAddress,
                StunAttributeType.OtherAddress => message.OtherAddress,
                _ => message.ResponseOrigin,
            };
            Assert.Equal(endPoint, read);
            Assert.Equal(writer.TransactionId, message.TransactionId);
        }
    }

    [Fact]
    public void Xor_mapped_address_is_not_written_in_clear()
    {
        // What an ALG would find and rewrite in MAPPED-ADDRESS must not appear in XOR-MAPPED-ADDRESS.
        var endPoint = new IPEndPoint(IPAddress.Parse("203.0.113.50"), 5060);
        var bytes = NewWriter(new Random(1), StunMessageType.BindingSuccess).AddXorMappedAddress(endPoint).ToArray();

        Assert.Equal(-1, bytes.AsSpan(20).IndexOf(endPoint.Address.GetAddressBytes()));
        Assert.Equal(-1, bytes.AsSpan(20).IndexOf((ReadOnlySpan<byte>)[0x13, 0xC4]));
    }

    [Fact]
    public void Ipv4_mapped_ipv6_addresses_from_dual_mode_sockets_go_on_the_wire_as_ipv4()
    {
        var mapped = new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.9"), 40000);
        var writer = NewWriter(new Random(2), StunMessageType.BindingSuccess).AddXorMappedAddress(mapped).AddMappedAddress(mapped);

        Assert.Equal(20 + 2 * 12, writer.Length);
        var message = RoundTrip(writer);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.9"), 40000), message.XorMappedAddress);
        Assert.Equal(message.XorMappedAddress, message.MappedAddress);
    }

    [Theory]
    [InlineData(StunChangeRequest.None)]
    [InlineData(StunChangeRequest.ChangePort)]
    [InlineData(StunChangeRequest.ChangeIp)]
    [InlineData(StunChangeRequest.ChangeIp | StunChangeRequest.ChangePort)]
    public void Change_request_round_trips(StunChangeRequest flags)
    {
        var writer = NewWriter(new Random((int)flags), StunMessageType.BindingRequest).AddChangeRequest(flags);

        Assert.Equal((int)flags, writer.WrittenSpan[27]);
        Assert.Equal(flags, RoundTrip(writer).ChangeRequest);
    }

    [Fact]
    public void Response_port_round_trips()
    {
        var random = new Random(27);
        int[] edges = [0, 1, 3478, 65535];
        for (var i = 0; i < Cases; i++)
        {
            var port = i < edges.Length ? edges[i] : random.Next(65536);
            Assert.Equal(port, RoundTrip(NewWriter(random, StunMessageType.BindingRequest).AddResponsePort(port)).ResponsePort);
        }
    }

    [Fact]
    public void Padding_round_trips_with_any_length()
    {
        var random = new Random(26);
        for (var i = 0; i < Cases; i++)
        {
            var length = i < 8 ? i : random.Next(1501);
            var writer = NewWriter(random, StunMessageType.BindingRequest).AddPadding(length).AddFingerprint();

            Assert.Equal(20 + 4 + ((length + 3) & ~3) + 8, writer.Length);
            Assert.Equal(length, RoundTrip(writer).PaddingLength);
        }
    }

    [Fact]
    public void Username_round_trips_up_to_508_bytes_in_any_script()
    {
        var random = new Random(6);
        for (var i = 0; i < Cases; i++)
        {
            var username = RandomText(random, maxBytes: StunMessageWriter.MaxUsernameBytes, maxCharacters: int.MaxValue, minCharacters: 1);
            Assert.Equal(username, RoundTrip(NewWriter(random, StunMessageType.BindingRequest).AddUsername(username)).Username);
        }

        var longest = new string('u', StunMessageWriter.MaxUsernameBytes);
        Assert.Equal(longest, RoundTrip(NewWriter(random, StunMessageType.BindingRequest).AddUsername(longest)).Username);
    }

    [Fact]
    public void Software_round_trips_up_to_127_characters()
    {
        var random = new Random(0x8022);
        for (var i = 0; i < Cases; i++)
        {
            var software = RandomText(random, maxBytes: StunMessageWriter.MaxTextBytes, maxCharacters: 127, minCharacters: 0);
            Assert.Equal(software, RoundTrip(NewWriter(random, StunMessageType.BindingSuccess).AddSoftware(software)).Software);
        }

        var longest = string.Concat(Enumerable.Repeat("\U0001F4DE", 127)); // 127 telephone receivers, 508 bytes
        Assert.Equal(longest, RoundTrip(NewWriter(random, StunMessageType.BindingSuccess).AddSoftware(longest)).Software);
    }

    [Fact]
    public void Error_code_round_trips_for_every_code_from_300_to_699()
    {
        var random = new Random(9);
        for (var code = 300; code <= 699; code++)
        {
            var error = new StunErrorCode(code, RandomText(random, maxBytes: StunMessageWriter.MaxTextBytes, maxCharacters: 127, minCharacters: 0));
            var message = RoundTrip(NewWriter(random, StunMessageType.BindingError).AddErrorCode(error));
            Assert.Equal(error, message.ErrorCode);
        }
    }

    [Fact]
    public void Unknown_attributes_round_trip_with_odd_and_even_counts()
    {
        var random = new Random(10);
        for (var i = 0; i < Cases; i++)
        {
            var types = Enumerable.Range(0, random.Next(0, 20)).Select(_ => (ushort)random.Next(0x10000)).ToArray();
            var message = RoundTrip(NewWriter(random, StunMessageType.BindingError).AddUnknownAttributes(types));
            Assert.Equal(types, message.UnknownAttributes);
        }
    }

    [Fact]
    public void Uninterpreted_attributes_round_trip_in_order()
    {
        var random = new Random(11);
        for (var i = 0; i < Cases; i++)
        {
            var attributes = Enumerable.Range(0, random.Next(1, 6))
                .Select(_ => (Type: RandomUninterpretedType(random), Value: RandomBytes(random, random.Next(0, 70))))
                .ToArray();
            var writer = NewWriter(random, StunMessageType.BindingRequest);
            foreach (var (type, value) in attributes)
                writer.AddAttribute(type, value);

            var message = RoundTrip(writer);

            Assert.Equal(attributes.Select(a => (a.Type, Convert.ToHexString(a.Value))), message.OtherAttributes.Select(a => (a.Type, Convert.ToHexString(a.Value.Span))));
        }
    }

    [Fact]
    public void Message_integrity_verifies_with_its_key_and_no_other()
    {
        var random = new Random(8);
        for (var i = 0; i < Cases; i++)
        {
            var key = RandomBytes(random, random.Next(1, 65));
            var writer = NewWriter(random, StunMessageType.BindingRequest).AddUsername("agent:" + i).AddMessageIntegrity(key);
            if (i % 2 == 0)
                writer.AddFingerprint();
            var bytes = writer.ToArray();

            var result = StunMessageParser.ParseAuthenticated(bytes, key);
            Assert.True(result.IsSuccess, result.Detail);
            Assert.True(result.Message.HasMessageIntegrity);
            Assert.True(result.Message.VerifyIntegrity(bytes, key));

            var otherKey = (byte[])key.Clone();
            otherKey[random.Next(otherKey.Length)] ^= (byte)(1 << random.Next(8));
            Assert.Equal(StunParseError.IntegrityMismatch, StunMessageParser.ParseAuthenticated(bytes, otherKey).Error);
            Assert.False(result.Message.VerifyIntegrity(bytes, otherKey));
        }
    }

    [Fact]
    public void Fingerprint_is_present_and_checked()
    {
        var random = new Random(0x8028);
        for (var i = 0; i < Cases; i++)
        {
            var writer = NewWriter(random, StunMessageType.BindingSuccess).AddXorMappedAddress(RandomEndPoint(random, i % 2 == 0)).AddFingerprint();
            Assert.True(RoundTrip(writer).HasFingerprint);
            Assert.False(RoundTrip(NewWriter(random, StunMessageType.BindingRequest)).HasFingerprint);
        }
    }

    // Random messages with a random subset of every attribute, in the writer's canonical order: parse, write again from
    // what was parsed, and get the same bytes.
    [Fact]
    public void Random_messages_rebuilt_from_what_was_parsed_are_identical()
    {
        var random = new Random(5780);
        for (var i = 0; i < Cases; i++)
        {
            var key = random.Next(2) == 0 ? RandomBytes(random, 16) : null;
            var type = new StunMessageType(random.Next(0x1000), (StunClass)random.Next(4));
            var original = new StunMessageWriter(type, RandomId(random));
            bool Maybe() => random.Next(2) == 0;
            if (Maybe())
                original.AddXorMappedAddress(RandomEndPoint(random, Maybe()));
            if (Maybe())
                original.AddMappedAddress(RandomEndPoint(random, Maybe()));
            if (Maybe())
                original.AddOtherAddress(RandomEndPoint(random, Maybe()));
            if (Maybe())
                original.AddResponseOrigin(RandomEndPoint(random, Maybe()));
            if (Maybe())
                original.AddChangeRequest((StunChangeRequest)(random.Next(4) * 2));
            if (Maybe())
                original.AddResponsePort(random.Next(65536));
            if (Maybe())
                original.AddPadding(random.Next(200));
            if (Maybe())
                original.AddUsername(RandomText(random, 508, int.MaxValue, 1));
            if (Maybe())
                original.AddSoftware(RandomText(random, 509, 127, 0));
            if (Maybe())
                original.AddErrorCode(new StunErrorCode(random.Next(300, 700), RandomText(random, 509, 127, 0)));
            if (Maybe())
                original.AddUnknownAttributes([.. Enumerable.Range(0, random.Next(5)).Select(_ => (ushort)random.Next(0x10000))]);
            if (Maybe())
                original.AddAttribute(RandomUninterpretedType(random), RandomBytes(random, random.Next(12)));
            if (key is not null)
                original.AddMessageIntegrity(key);
            if (Maybe())
                original.AddFingerprint();
            var bytes = original.ToArray();

            var result = key is null ? StunMessageParser.Parse(bytes) : StunMessageParser.ParseAuthenticated(bytes, key);
            Assert.True(result.IsSuccess, result.Detail);
            var message = result.Message;
            Assert.Equal(type, message.Type);

            var rebuilt = new StunMessageWriter(message.Type, message.TransactionId);
            if (message.XorMappedAddress is { } xorMapped)
                rebuilt.AddXorMappedAddress(xorMapped);
            if (message.MappedAddress is { } mapped)
                rebuilt.AddMappedAddress(mapped);
            if (message.OtherAddress is { } other)
                rebuilt.AddOtherAddress(other);
            if (message.ResponseOrigin is { } origin)
                rebuilt.AddResponseOrigin(origin);
            if (message.ChangeRequest is { } change)
                rebuilt.AddChangeRequest(change);
            if (message.ResponsePort is { } port)
                rebuilt.AddResponsePort(port);
            if (message.PaddingLength is { } padding)
                rebuilt.AddPadding(padding);
            if (message.Username is { } username)
                rebuilt.AddUsername(username);
            if (message.Software is { } software)
                rebuilt.AddSoftware(software);
            if (message.ErrorCode is { } error)
                rebuilt.AddErrorCode(error);
            if (message.UnknownAttributes is { } unknown)
                rebuilt.AddUnknownAttributes([.. unknown]);
            foreach (var raw in message.OtherAttributes)
                rebuilt.AddAttribute(raw.Type, raw.Value.Span);
            if (key is not null)
                rebuilt.AddMessageIntegrity(key);
            if (message.HasFingerprint)
                rebuilt.AddFingerprint();

            Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(rebuilt.WrittenSpan));
        }
    }

    private static StunMessage RoundTrip(StunMessageWriter writer)
    {
        var result = StunMessageParser.Parse(writer.WrittenSpan);
        Assert.True(result.IsSuccess, result.Detail);
        Assert.Equal(writer.Type, result.Message.Type);
        Assert.Equal(writer.Length, result.Message.Length);
        return result.Message;
    }

    private static StunMessageWriter NewWriter(Random random, StunMessageType type) => new(type, RandomId(random));

    private static StunTransactionId RandomId(Random random) => new(RandomBytes(random, StunTransactionId.Length));

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static IPEndPoint RandomEndPoint(Random random, bool ipv6)
    {
        var address = new IPAddress(RandomBytes(random, ipv6 ? 16 : 4));
        if (address.IsIPv4MappedToIPv6)
            address = IPAddress.Parse("2001:db8::1");
        return new IPEndPoint(address, random.Next(65536));
    }

    private static ushort RandomUninterpretedType(Random random)
    {
        while (true)
        {
            var type = (ushort)random.Next(0x10000);
            if (StunAttributeType.Slot(type) < 0)
                return type;
        }
    }

    // Text from ASCII, Latin, CJK and astral planes, within a byte and a character budget.
    private static string RandomText(Random random, int maxBytes, int maxCharacters, int minCharacters)
    {
        var target = random.Next(minCharacters, Math.Min(maxCharacters, 200) + 1);
        var text = new StringBuilder();
        var bytes = 0;
        for (var n = 0; n < target; n++)
        {
            var rune = random.Next(4) switch
            {
                0 => new Rune(random.Next(0x20, 0x7F)),
                1 => new Rune(random.Next(0xA0, 0x800)),
                2 => new Rune(random.Next(0x4E00, 0x9FFF)),
                _ => new Rune(random.Next(0x1F300, 0x1F700)),
            };
            if (bytes + rune.Utf8SequenceLength > maxBytes)
                break;
            bytes += rune.Utf8SequenceLength;
            text.Append(rune.ToString());
        }

        if (text.Length == 0 && minCharacters > 0)
            text.Append('x');
        return text.ToString();
    }
}
