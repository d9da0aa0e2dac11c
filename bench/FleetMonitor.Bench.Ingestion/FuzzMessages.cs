using System.Text;
using System.Text.Json;
using FleetMonitor.Contracts;

namespace FleetMonitor.Bench.Ingestion;

/// <summary>
/// Random and mutated agent messages for Ingestion's three consumers (single results, packed results, heartbeats):
/// from a valid body, flipped and inserted bytes, truncation, wrong types, nulls, huge strings and collections,
/// deep nesting, out-of-range numbers and times, bad ids, or plain random bytes. Deterministic for a seed. Sizes of huge
/// strings and collections are drawn log-uniformly: every order of magnitude (below, at and far above each limit) as
/// often as the next, instead of nearly all at the top of the range.
/// </summary>
public sealed class FuzzMessages(int seed)
{
    private static readonly string[] Keys =
    [
        "schemaVersion", "id", "agentId", "siteId", "probeId", "probeVersion", "kind", "target", "startedAt", "durationMs",
        "outcome", "measurements", "facts", "findings", "error", "results", "sentAt", "agentVersion", "hostname", "outboxBacklog",
    ];

    private static readonly string[] Values =
    [
        "null", "true", "-1", "0", "1e309", "-1e309", "\"\"", "[]", "{}", "\"9999-12-31T23:59:59Z\"", "\"0001-01-01T00:00:00Z\"",
        "\"00000000-0000-0000-0000-000000000000\"", "\"not-a-guid\"", "\"UPPER CASE\"", "\"\\u0000\"", "\"\\ud800\"", "12345678901234567890",
        "\"ok\"", "\"splendid\"", "[null]", "{\"a\":null}", "\"a.b\"", "1.5",
    ];

    private readonly Random _random = new(seed);

    /// <summary>The next message: routing key (which consumer) and body.</summary>
    public (string RoutingKey, byte[] Body) Next(DateTimeOffset now)
    {
        var kind = _random.Next(3);
        var routingKey = kind switch { 0 => "result.site-fuzz.tcp", 1 => "results.site-fuzz", _ => "heartbeat.site-fuzz" };
        var valid = kind switch
        {
            0 => JsonSerializer.SerializeToUtf8Bytes(Result(now), WireFormat.Options),
            1 => JsonSerializer.SerializeToUtf8Bytes(
                new ProbeResultsBatched { SchemaVersion = 1, AgentId = "agent-fuzz", SiteId = "site-fuzz", Results = [.. Enumerable.Range(0, 1 + _random.Next(5)).Select(_ => Result(now))] },
                WireFormat.Options),
            _ => JsonSerializer.SerializeToUtf8Bytes(
                new AgentHeartbeatSent { SchemaVersion = 1, AgentId = "agent-fuzz", SiteId = "site-fuzz", SentAt = now, AgentVersion = "1.0.0", Hostname = "pc" },
                WireFormat.Options),
        };
        return (routingKey, Mutate(valid));
    }

    /// <summary>
    /// A valid, unmutated message of agent <c>control-{n}</c> at <c>site-control</c>, to mix among the fuzz: a single
    /// result, a packed message of five results or a heartbeat (by <paramref name="n"/> modulo 3). Results is how many
    /// results it carries (0 for a heartbeat).
    /// </summary>
    public static (string RoutingKey, byte[] Body, int Results) Control(long n, DateTimeOffset now)
    {
        var agentId = $"control-{n}";
        const string SiteId = "site-control";
        return (n % 3) switch
        {
            0 => ($"result.{SiteId}.tcp", JsonSerializer.SerializeToUtf8Bytes(ValidResult(agentId, SiteId, "probe-0", now), WireFormat.Options), 1),
            1 => ($"results.{SiteId}", JsonSerializer.SerializeToUtf8Bytes(
                new ProbeResultsBatched { SchemaVersion = 1, AgentId = agentId, SiteId = SiteId, Results = [.. Enumerable.Range(0, 5).Select(p => ValidResult(agentId, SiteId, $"probe-{p}", now))] },
                WireFormat.Options), 5),
            _ => ($"heartbeat.{SiteId}", JsonSerializer.SerializeToUtf8Bytes(
                new AgentHeartbeatSent { SchemaVersion = 1, AgentId = agentId, SiteId = SiteId, SentAt = now, AgentVersion = "1.0.0", Hostname = "pc" },
                WireFormat.Options), 0),
        };
    }

    private static ProbeCompleted ValidResult(string agentId, string siteId, string probeId, DateTimeOffset startedAt) => new()
    {
        SchemaVersion = 1,
        Id = Guid.CreateVersion7(startedAt),
        AgentId = agentId,
        SiteId = siteId,
        ProbeId = probeId,
        ProbeVersion = 1,
        Kind = "tcp",
        Target = "pbx.example.com:5061",
        StartedAt = startedAt,
        DurationMs = 3,
        Outcome = ProbeOutcome.Ok,
        Measurements = new Dictionary<string, double> { ["connect_ms"] = 3 },
        Facts = new Dictionary<string, string> { ["remote_address"] = "192.0.2.1" },
        Findings = [],
    };

    private ProbeCompleted Result(DateTimeOffset now) => ValidResult("agent-fuzz", "site-fuzz", "probe-" + _random.Next(4), now.AddSeconds(-_random.Next(100)));

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, uniform in its logarithm.</summary>
    private int LogUniform(int min, int max) =>
        (int)Math.Round(Math.Exp(Math.Log(min) + (_random.NextDouble() * (Math.Log(max) - Math.Log(min)))));

    private byte[] Mutate(byte[] valid)
    {
        var text = Encoding.UTF8.GetString(valid);
        switch (_random.Next(10))
        {
            case 0:
                // Random bytes.
                var noise = new byte[_random.Next(0, 512)];
                _random.NextBytes(noise);
                return noise;
            case 1:
                // Truncated.
                return valid[.._random.Next(valid.Length)];
            case 2:
                // Flipped bytes.
                var flipped = (byte[])valid.Clone();
                for (var i = 0; i < 1 + _random.Next(4); i++)
                {
                    flipped[_random.Next(flipped.Length)] ^= (byte)(1 << _random.Next(8));
                }

                return flipped;
            case 3:
                // A known property set to an odd value.
                return Encoding.UTF8.GetBytes(SetProperty(text, Keys[_random.Next(Keys.Length)], Values[_random.Next(Values.Length)]));
            case 4:
                // A huge string (bounded by the broker's 1 MiB limit).
                return Encoding.UTF8.GetBytes(SetProperty(text, Keys[_random.Next(Keys.Length)], "\"" + new string('x', LogUniform(1, 300_000)) + "\""));
            case 5:
                // A huge collection.
                var count = LogUniform(100, 5000);
                var big = _random.Next(2) == 0
                    ? "{" + string.Join(',', Enumerable.Range(0, count).Select(i => $"\"k{i}\":\"v\"")) + "}"
                    : "[" + string.Join(',', Enumerable.Range(0, count).Select(i => $"\"f.c{i}\"")) + "]";
                return Encoding.UTF8.GetBytes(SetProperty(text, Keys[_random.Next(Keys.Length)], big));
            case 6:
                // Deep nesting.
                var depth = _random.Next(10, 2000);
                return Encoding.UTF8.GetBytes(SetProperty(text, Keys[_random.Next(Keys.Length)], new string('[', depth) + new string(']', depth)));
            case 7:
                // A property removed.
                var key = Keys[_random.Next(Keys.Length)];
                return Encoding.UTF8.GetBytes(text.Replace($"\"{key}\":", $"\"x{key}\":", StringComparison.Ordinal));
            case 8:
                // Inserted garbage.
                var at = _random.Next(text.Length);
                return Encoding.UTF8.GetBytes(text[..at] + Values[_random.Next(Values.Length)] + text[at..]);
            default:
                // Not JSON at all, or an empty body.
                return _random.Next(2) == 0 ? [] : Encoding.UTF8.GetBytes("<xml/>");
        }
    }

    private static string SetProperty(string json, string key, string value)
    {
        var marker = $"\"{key}\":";
        var at = json.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return json.Length > 1 ? json[..^1] + "," + marker + value + "}" : json;
        }

        // Replace the old value up to the next top-level separator (good enough to make a broken or odd document).
        var start = at + marker.Length;
        var end = start;
        var nesting = 0;
        var inString = false;
        for (; end < json.Length; end++)
        {
            var c = json[end];
            if (inString)
            {
                if (c == '\\')
                {
                    end++;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (c == '"')
            {
                inString = true;
            }
            else if (c is '[' or '{')
            {
                nesting++;
            }
            else if (c is ']' or '}')
            {
                if (nesting == 0)
                {
                    break;
                }

                nesting--;
            }
            else if (c == ',' && nesting == 0)
            {
                break;
            }
        }

        return json[..start] + value + json[end..];
    }
}
