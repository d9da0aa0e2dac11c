using System.Buffers.Binary;
using System.Net;
using FleetMonitor.Protocols.Stun;

namespace FleetMonitor.Probes.Tests.Stun;

/// <summary>
/// Seeded, deterministic STUN inputs for the parser: random bytes, and valid messages (the RFC 5769 samples and
/// messages carrying every attribute the codec knows) mutated by bit flips, truncations, length edits, value overwrites
/// and attribute splicing. Uses only the codec's public API and an independent CRC-32, so that the bench runner
/// (bench/FleetMonitor.Bench.Stun), which links this file, can use it too. Not thread-safe: one per thread.
/// </summary>
internal sealed class StunFuzzer
{
    public const int MaxInputLength = 4096;

    /// <summary>The short-term key of the generated seeds (the RFC 5769 ones use theirs).</summary>
    public static readonly byte[] Key = "fuzz-password-1"u8.ToArray();

    // Cumulative weights, out of 100.
    private static readonly (StunMutation Mutation, int UpTo)[] Weights =
    [
        (StunMutation.Unchanged, 4),
        (StunMutation.RandomBytes, 12),
        (StunMutation.RandomAttributes, 26),
        (StunMutation.BitFlips, 42),
        (StunMutation.Truncate, 49),
        (StunMutation.TruncateAndFixLength, 55),
        (StunMutation.HeaderLengthEdit, 62),
        (StunMutation.AttributeLengthEdit, 71),
        (StunMutation.Splice, 87),
        (StunMutation.ValueOverwrite, 95),
        (StunMutation.AppendGarbage, 100),
    ];

    // Types worth generating: every one the codec interprets, some it carries raw, and anything at all.
    private static readonly ushort[] InterestingTypes =
    [
        StunAttributeType.MappedAddress, StunAttributeType.ChangeRequest, StunAttributeType.Username,
        StunAttributeType.MessageIntegrity, StunAttributeType.ErrorCode, StunAttributeType.UnknownAttributes,
        StunAttributeType.Realm, StunAttributeType.Nonce, StunAttributeType.MessageIntegritySha256,
        StunAttributeType.XorMappedAddress, StunAttributeType.Padding, StunAttributeType.ResponsePort,
        StunAttributeType.Software, StunAttributeType.Fingerprint, StunAttributeType.ResponseOrigin,
        StunAttributeType.OtherAddress, 0x0024, 0x8029, 0x802A,
    ];

    private static readonly uint[] CrcTable = BuildCrcTable();

    private readonly Random _random;
    private readonly byte[][] _seeds;
    private readonly int[][] _seedAttributeOffsets;
    private readonly byte[] _buffer = new byte[MaxInputLength];

    public StunFuzzer(int seed)
    {
        _random = new Random(seed);
        _seeds = BuildSeeds(_random);
        _seedAttributeOffsets = [.. _seeds.Select(AttributeOffsets)];
    }

    public StunMutation Mutation { get; private set; }

    public IReadOnlyList<byte[]> Seeds => _seeds;

    /// <summary>The next input; valid until the next call.</summary>
    public ReadOnlySpan<byte> Next()
    {
        var roll = _random.Next(100);
        Mutation = Weights.First(w => roll < w.UpTo).Mutation;
        var length = Mutation switch
        {
            StunMutation.Unchanged => CopySeed(out _),
            StunMutation.RandomBytes => RandomBytes(),
            StunMutation.RandomAttributes => RandomAttributes(),
            StunMutation.BitFlips => BitFlips(),
            StunMutation.Truncate => Truncate(fixLength: false),
            StunMutation.TruncateAndFixLength => Truncate(fixLength: true),
            StunMutation.HeaderLengthEdit => HeaderLengthEdit(),
            StunMutation.AttributeLengthEdit => AttributeLengthEdit(),
            StunMutation.Splice => Splice(),
            StunMutation.ValueOverwrite => ValueOverwrite(),
            StunMutation.AppendGarbage => AppendGarbage(),
            _ => throw new InvalidOperationException(),
        };
        return _buffer.AsSpan(0, length);
    }

    private int CopySeed(out int seedIndex)
    {
        seedIndex = _random.Next(_seeds.Length);
        _seeds[seedIndex].CopyTo(_buffer, 0);
        return _seeds[seedIndex].Length;
    }

    private int RandomBytes()
    {
        var length = _random.Next(4) == 0 ? _random.Next(20) : _random.Next(20, 300);
        _random.NextBytes(_buffer.AsSpan(0, length));

        // Half the time make the header plausible, so the attribute walk is reached.
        if (_random.Next(2) == 0 && length >= 20)
            WriteHeader((length - 20) & ~3, length);
        return length;
    }

    private int RandomAttributes()
    {
        var offset = 20;
        // Now and then many small uninterpreted attributes, to reach the attribute cap.
        var many = _random.Next(8) == 0;
        var count = many ? _random.Next(25, 40) : _random.Next(1, 10);
        for (var i = 0; i < count && offset < MaxInputLength - 64; i++)
        {
            var type = many ? (ushort)_random.Next(0xC000, 0x10000)
                : _random.Next(5) == 0 ? (ushort)_random.Next(0x10000)
                : InterestingTypes[_random.Next(InterestingTypes.Length)];
            var valueLength = _random.Next(4) switch
            {
                0 => 0,
                1 => 4,
                2 => _random.Next(2) == 0 ? 8 : 20,
                _ => _random.Next(0, 40),
            };
            var padded = (valueLength + 3) & ~3;
            BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(offset), type);
            BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(offset + 2), (ushort)valueLength);
            var value = _buffer.AsSpan(offset + 4, padded);
            _random.NextBytes(value);
            if (valueLength >= 2 && _random.Next(2) == 0)
                value[1] = (byte)_random.Next(1, 3);
            if (valueLength >= 4 && type == StunAttributeType.ErrorCode)
            {
                value[2] = (byte)_random.Next(2, 8);
                value[3] = (byte)_random.Next(0, 110);
            }

            offset += 4 + padded;
        }

        WriteHeader(offset - 20, offset);
        if (_random.Next(3) == 0)
            offset = AppendFingerprint(offset);
        return offset;
    }

    private int BitFlips()
    {
        var length = CopySeed(out _);
        var flips = 1 + _random.Next(8);
        for (var i = 0; i < flips; i++)
        {
            var bit = _random.Next(length * 8);
            _buffer[bit / 8] ^= (byte)(1 << (bit % 8));
        }

        return length;
    }

    private int Truncate(bool fixLength)
    {
        var length = CopySeed(out _);
        if (length == 0)
            return 0;
        var cut = _random.Next(length);
        if (fixLength && cut >= 20)
        {
            cut = 20 + ((cut - 20) & ~3);
            WriteHeader(cut - 20, cut);
        }

        return cut;
    }

    private int HeaderLengthEdit()
    {
        var length = CopySeed(out _);
        var current = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(2));
        var edited = _random.Next(4) switch
        {
            0 => _random.Next(0x10000),
            1 => current + 4 * _random.Next(-3, 4),
            2 => current + _random.Next(-3, 4),
            _ => current ^ (1 << _random.Next(16)),
        };
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), (ushort)edited);
        return length;
    }

    private int AttributeLengthEdit()
    {
        var length = CopySeed(out var seedIndex);
        var offsets = _seedAttributeOffsets[seedIndex];
        if (offsets.Length == 0)
            return length;
        var at = offsets[_random.Next(offsets.Length)] + 2;
        var current = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(at));
        var edited = _random.Next(3) switch
        {
            0 => _random.Next(0x10000),
            1 => current + _random.Next(-8, 9),
            _ => current ^ (1 << _random.Next(16)),
        };
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(at), (ushort)edited);
        return length;
    }

    // A header from one seed, then attributes picked from any seeds in any order (so duplicates, MESSAGE-INTEGRITY and
    // FINGERPRINT in the middle, addresses XORed with another transaction id), the header length fixed up; a third of
    // the time with a correct FINGERPRINT appended, so that some splices parse.
    private int Splice()
    {
        var header = _seeds[_random.Next(_seeds.Length)];
        header.AsSpan(0, 20).CopyTo(_buffer);
        var offset = 20;
        var withFingerprint = _random.Next(3) == 0;
        var pieces = _random.Next(1, 12);
        for (var i = 0; i < pieces; i++)
        {
            var donor = _random.Next(_seeds.Length);
            var offsets = _seedAttributeOffsets[donor];
            if (offsets.Length == 0)
                continue;
            var seed = _seeds[donor];
            var start = offsets[_random.Next(offsets.Length)];
            var type = BinaryPrimitives.ReadUInt16BigEndian(seed.AsSpan(start));
            if (withFingerprint && type is StunAttributeType.Fingerprint or StunAttributeType.MessageIntegrity)
                continue;
            var size = 4 + ((BinaryPrimitives.ReadUInt16BigEndian(seed.AsSpan(start + 2)) + 3) & ~3);
            if (offset + size > MaxInputLength - 8)
                break;
            seed.AsSpan(start, size).CopyTo(_buffer.AsSpan(offset));
            offset += size;
        }

        WriteHeader(offset - 20, offset);
        return withFingerprint ? AppendFingerprint(offset) : offset;
    }

    private int ValueOverwrite()
    {
        var length = CopySeed(out var seedIndex);
        var offsets = _seedAttributeOffsets[seedIndex];
        if (offsets.Length == 0)
            return length;
        var start = offsets[_random.Next(offsets.Length)];
        var valueLength = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(start + 2));
        if (valueLength > 0)
        {
            var from = _random.Next(valueLength);
            _random.NextBytes(_buffer.AsSpan(start + 4 + from, Math.Min(valueLength - from, 1 + _random.Next(8))));
        }

        // Re-seal with a correct FINGERPRINT half the time, so the value checks behind it are reached.
        var last = offsets[^1];
        if (_random.Next(2) == 0 && BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(last)) == StunAttributeType.Fingerprint)
            BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(last + 4), Crc32(_buffer.AsSpan(0, last)) ^ 0x5354554E);
        return length;
    }

    private int AppendGarbage()
    {
        var length = CopySeed(out _);
        var extra = _random.Next(1, 64);
        _random.NextBytes(_buffer.AsSpan(length, extra));
        if (_random.Next(2) == 0)
        {
            extra &= ~3;
            WriteHeader(length + extra - 20, length + extra);
        }

        return length + extra;
    }

    private void WriteHeader(int bodyLength, int available)
    {
        if (available < 20)
            return;
        _buffer[0] &= 0x3F;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), (ushort)bodyLength);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(4), StunMessageParser.MagicCookie);
    }

    private int AppendFingerprint(int offset)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), (ushort)(offset + 8 - 20));
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(offset), StunAttributeType.Fingerprint);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(offset + 2), 4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(offset + 4), Crc32(_buffer.AsSpan(0, offset)) ^ 0x5354554E);
        return offset + 8;
    }

    private static byte[][] BuildSeeds(Random random)
    {
        StunTransactionId NewId()
        {
            Span<byte> id = stackalloc byte[StunTransactionId.Length];
            random.NextBytes(id);
            return new StunTransactionId(id);
        }

        var v4 = new IPEndPoint(IPAddress.Parse("203.0.113.7"), 40123);
        var v6 = new IPEndPoint(IPAddress.Parse("2001:db8::1:2:3"), 3478);
        return
        [
            .. Rfc5769Vectors.All.Select(v => v.Bytes),
            new StunMessageWriter(StunMessageType.BindingRequest, NewId()).ToArray(),
            new StunMessageWriter(StunMessageType.BindingRequest, NewId())
                .AddUsername("agent-7f3a:site-berlin")
                .AddChangeRequest(StunChangeRequest.ChangeIp | StunChangeRequest.ChangePort)
                .AddResponsePort(50321)
                .AddPadding(37)
                .AddSoftware("FleetMonitor agent")
                .AddMessageIntegrity(Key)
                .AddFingerprint()
                .ToArray(),
            new StunMessageWriter(StunMessageType.BindingSuccess, NewId())
                .AddXorMappedAddress(v4)
                .AddMappedAddress(v4)
                .AddOtherAddress(new IPEndPoint(IPAddress.Parse("198.51.100.2"), 3479))
                .AddResponseOrigin(new IPEndPoint(IPAddress.Parse("198.51.100.1"), 3478))
                .AddSoftware("FleetMonitor reflector \u00e9\u4e2d")
                .AddMessageIntegrity(Key)
                .AddFingerprint()
                .ToArray(),
            new StunMessageWriter(StunMessageType.BindingSuccess, NewId())
                .AddXorMappedAddress(v6)
                .AddMappedAddress(v6)
                .AddOtherAddress(new IPEndPoint(IPAddress.Parse("2001:db8::2"), 3479))
                .AddResponseOrigin(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 3478))
                .AddMessageIntegrity(Key)
                .AddFingerprint()
                .ToArray(),
            new StunMessageWriter(StunMessageType.BindingError, NewId())
                .AddErrorCode(new StunErrorCode(StunErrorCode.UnknownAttribute, "Unknown Attribute"))
                .AddUnknownAttributes(0x0024, 0x7F01, 0x0005)
                .AddFingerprint()
                .ToArray(),
            new StunMessageWriter(StunMessageType.BindingRequest, NewId())
                .AddAttribute(0x0024, [0x6e, 0x00, 0x01, 0xff])
                .AddAttribute(0x8029, [1, 2, 3, 4, 5, 6, 7, 8])
                .AddAttribute(0x0025, [])
                .AddAttribute(0xC057, [9, 9, 9])
                .AddUsername("a:b")
                .AddMessageIntegrity(Key)
                .AddAttribute(StunAttributeType.MessageIntegritySha256, new byte[32])
                .AddFingerprint()
                .ToArray(),
            new StunMessageWriter(StunMessageType.BindingRequest, NewId())
                .AddPadding(1400)
                .AddChangeRequest(StunChangeRequest.ChangePort)
                .AddFingerprint()
                .ToArray(),
        ];
    }

    private static int[] AttributeOffsets(byte[] message)
    {
        var offsets = new List<int>();
        for (var offset = 20; offset + 4 <= message.Length;)
        {
            offsets.Add(offset);
            offset += 4 + ((BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(offset + 2)) + 3) & ~3);
        }

        return [.. offsets];
    }

    // Written out again rather than borrowed from the codec, so a CRC bug there cannot hide here.
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
                c = (c & 1) == 1 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }

        return table;
    }
}
