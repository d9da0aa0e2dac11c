using FleetMonitor.Protocols.Stun;
using Xunit.Abstractions;

namespace FleetMonitor.Probes.Tests.Stun;

/// <summary>
/// Random and mutated datagrams through the parser: only results come out, never an exception, and never more
/// allocation than the input's size allows. The large runs are bench/FleetMonitor.Bench.Stun ("fuzz").
/// </summary>
public sealed class StunParserFuzzTests(ITestOutputHelper output)
{
    private const int Inputs = 20_000;

    [Fact]
    public void Twenty_thousand_random_and_mutated_inputs_give_only_parse_results()
    {
        var fuzzer = new StunFuzzer(seed: 5769);
        var outcomes = new int[Enum.GetValues<StunParseError>().Length];
        var mutatedSuccesses = 0;
        var keyedSuccesses = 0;

        // Warm up so the first HMAC, CRC table and encoding caches are not counted as the parser's allocation.
        foreach (var seed in fuzzer.Seeds)
            _ = StunMessageParser.ParseAuthenticated(seed, StunFuzzer.Key);

        for (var i = 0; i < Inputs; i++)
        {
            var input = fuzzer.Next();
            StunParseResult plain;
            StunParseResult keyed;
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                plain = StunMessageParser.Parse(input);
                keyed = StunMessageParser.ParseAuthenticated(input, StunFuzzer.Key);
            }
            catch (Exception e)
            {
                Assert.Fail($"input {i} ({fuzzer.Mutation}, {input.Length} bytes) threw: {e}\n{Convert.ToHexString(input)}");
                return;
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated <= 2 * AllocationBound(input.Length), $"input {i} ({fuzzer.Mutation}, {input.Length} bytes) allocated {allocated} bytes");

            outcomes[(int)plain.Error]++;
            if (!plain.IsSuccess)
            {
                Assert.Equal(plain.Error, keyed.Error);
                Assert.Null(plain.Message);
                Assert.Equal(0, allocated);
                continue;
            }

            Assert.Equal(input.Length, plain.Message.Length);
            if (fuzzer.Mutation != StunMutation.Unchanged)
                mutatedSuccesses++;

            // The two ways of checking MESSAGE-INTEGRITY agree.
            Assert.True(keyed.IsSuccess || keyed.Error is StunParseError.IntegrityMissing or StunParseError.IntegrityMismatch, keyed.Detail);
            Assert.Equal(keyed.IsSuccess, plain.Message.VerifyIntegrity(input, StunFuzzer.Key));
            if (keyed.IsSuccess)
                keyedSuccesses++;
        }

        output.WriteLine($"{Inputs} inputs, {mutatedSuccesses} mutated ones parsed, {keyedSuccesses} authenticated");
        foreach (var error in Enum.GetValues<StunParseError>())
            output.WriteLine($"{error,-26} {outcomes[(int)error],6}");

        // The inputs reach deep into the parser: successes beyond the seeds, and nearly every kind of error (the
        // keyed-only ones, IntegrityMissing and IntegrityMismatch, never come out of the plain parse).
        Assert.True(mutatedSuccesses > 100, $"only {mutatedSuccesses} mutated inputs parsed");
        Assert.True(keyedSuccesses > 100, $"only {keyedSuccesses} inputs authenticated");
        var unseen = Enum.GetValues<StunParseError>()
            .Where(e => e is not (StunParseError.IntegrityMissing or StunParseError.IntegrityMismatch) && outcomes[(int)e] == 0)
            .ToArray();
        Assert.Empty(unseen);
    }

    // A parsed message holds at most: its strings (2 bytes a character, a character at least a byte), copies of raw
    // values, and a bounded set of objects per attribute (MaxAttributes of them).
    internal static long AllocationBound(int inputLength) => 3L * inputLength + 200L * StunMessageParser.MaxAttributes + 1024;
}
