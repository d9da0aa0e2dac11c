using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace FleetMonitor.Bench.Dashboard;

/// <summary>
/// Loads a simulated fleet with binary COPY: sites, agents (heartbeats), the latest state of every agent and probe,
/// the latest result each state points to, and a full history for some agents, in time order as the Ingestion writes
/// it (so one agent's rows are spread over the pages as in production, not clustered).
/// </summary>
internal sealed class FleetLoader(BenchDatabase database, FleetShape shape, DateTimeOffset now)
{
    private static readonly string[] Routers = ["FRITZ!Box 7590", "FRITZ!Box 7530", "Speedport Smart 4", "Vodafone Station", "TP-Link Archer C7", "o2 HomeBox 6641"];
    private static readonly string[] NatTypes = ["port-restricted-cone", "full-cone", "restricted-cone", "symmetric", "none"];
    private Guid[]? latestIds;

    /// <summary>The agents' conditions, per thousand: offline, broken, SIP ALG, exposed by a port, by a UPnP mapping, degraded.</summary>
    public static string Condition(int index) => (int)((uint)(index * 2654435761u) % 1000) switch
    {
        < 10 => "offline",
        < 30 => "broken",
        < 35 => "alg",
        < 65 => "exposed",
        < 85 => "upnp",
        < 135 => "degraded",
        _ => "ok",
    };

    public async Task CreatePartitionsAsync()
    {
        // The daily partitions the history maintenance makes (probe_results_pYYYYMMDD), for every loaded day.
        await using var connection = await database.OpenAsync();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        for (var day = today.AddDays(-shape.Days - 1); day <= today.AddDays(2); day = day.AddDays(1))
        {
            var from = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var to = day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await using var command = new NpgsqlCommand(
                $"CREATE TABLE probe_results_p{day:yyyyMMdd} PARTITION OF probe_results FOR VALUES FROM ('{from} 00:00:00+00') TO ('{to} 00:00:00+00')", connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    public async Task LoadSitesAndAgentsAsync()
    {
        await using var connection = await database.OpenAsync();
        await using (var sites = await connection.BeginBinaryImportAsync("COPY sites (id, name, time_zone, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var s = 0; s < shape.Sites; s++)
            {
                await sites.WriteRowAsync(default, $"site-{s:D3}", $"Site {s:D3}", s % 3 == 0 ? "Europe/Berlin" : "UTC", now.AddDays(-400));
            }

            await sites.CompleteAsync();
        }

        await using var agents = await connection.BeginBinaryImportAsync(
            "COPY agents (id, site_id, hostname, agent_version, first_seen_at, last_seen_at, last_heartbeat_at, outbox_backlog) FROM STDIN (FORMAT BINARY)");
        for (var i = 0; i < shape.Agents; i++)
        {
            var heartbeat = Condition(i) == "offline" ? now.AddHours(-2) : now.AddSeconds(-(i % 30));
            await agents.StartRowAsync();
            await agents.WriteAsync(FleetShape.AgentId(i), NpgsqlDbType.Text);
            await agents.WriteAsync(shape.SiteId(i), NpgsqlDbType.Text);
            await agents.WriteAsync($"PC-{i:D6}", NpgsqlDbType.Text);
            await agents.WriteAsync("1.4.0", NpgsqlDbType.Text);
            await agents.WriteAsync(now.AddDays(-200), NpgsqlDbType.TimestampTz);
            await agents.WriteAsync(heartbeat, NpgsqlDbType.TimestampTz);
            await agents.WriteAsync(heartbeat, NpgsqlDbType.TimestampTz);
            await agents.WriteAsync(0L, NpgsqlDbType.Bigint);
        }

        await agents.CompleteAsync();
    }

    /// <summary>The history rows, oldest first across agents, then the latest result and the state of every agent and probe.</summary>
    public async Task<(long Results, long States)> LoadResultsAndStatesAsync(Action<string> progress)
    {
        await using var connection = await database.OpenAsync();
        long results = 0;
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY probe_results (id, agent_id, site_id, probe_id, probe_version, kind, target, started_at, duration_ms, outcome, measurements, facts, findings, error, received_at) FROM STDIN (FORMAT BINARY)"))
        {
            var historyAgents = Enumerable.Range(0, shape.Agents).Where(shape.HasHistory).ToArray();
            for (var slot = shape.HistorySlots; slot >= 1; slot--)
            {
                foreach (var i in historyAgents)
                {
                    for (var p = 0; p < FleetShape.Probes.Length; p++)
                    {
                        var at = Latest(i) - (shape.HistoryInterval * slot);
                        await WriteResultAsync(importer, i, p, Guid.CreateVersion7(at), at, slot);
                        results++;
                    }
                }

                if (slot % 96 == 0)
                {
                    progress($"history: {results:N0} rows");
                }
            }

            for (var i = 0; i < shape.Agents; i++)
            {
                for (var p = 0; p < FleetShape.Probes.Length; p++)
                {
                    await WriteResultAsync(importer, i, p, LatestId(i, p), Latest(i), 0);
                    results++;
                }

                if (i % 20_000 == 0)
                {
                    progress($"latest: {results:N0} rows");
                }
            }

            await importer.CompleteAsync();
        }

        long states = 0;
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY endpoint_state (agent_id, probe_id, site_id, kind, target, outcome, findings, measurements, error, last_result_id, last_started_at, changed_at, updated_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < shape.Agents; i++)
            {
                for (var p = 0; p < FleetShape.Probes.Length; p++)
                {
                    var (id, kind) = FleetShape.Probes[p];
                    var (outcome, findings, error) = Verdict(i, kind);
                    await importer.StartRowAsync();
                    await importer.WriteAsync(FleetShape.AgentId(i), NpgsqlDbType.Text);
                    await importer.WriteAsync(id, NpgsqlDbType.Text);
                    await importer.WriteAsync(shape.SiteId(i), NpgsqlDbType.Text);
                    await importer.WriteAsync(kind, NpgsqlDbType.Text);
                    await importer.WriteAsync(Target(kind), NpgsqlDbType.Text);
                    await importer.WriteAsync(outcome, NpgsqlDbType.Text);
                    await importer.WriteAsync(findings, NpgsqlDbType.Jsonb);
                    await importer.WriteAsync(Measurements(i, kind, 0), NpgsqlDbType.Jsonb);
                    await WriteNullableAsync(importer, error);
                    await importer.WriteAsync(LatestId(i, p), NpgsqlDbType.Uuid);
                    await importer.WriteAsync(Latest(i), NpgsqlDbType.TimestampTz);
                    await importer.WriteAsync(now.AddDays(-1).AddMinutes(-(i % 1440)), NpgsqlDbType.TimestampTz);
                    await importer.WriteAsync(Latest(i), NpgsqlDbType.TimestampTz);
                    states++;
                }
            }

            await importer.CompleteAsync();
        }

        await using var analyze = new NpgsqlCommand("ANALYZE", connection);
        await analyze.ExecuteNonQueryAsync();
        return (results, states);
    }

    private DateTimeOffset Latest(int index) => Condition(index) == "offline" ? now.AddHours(-2) : now.AddSeconds(-(index % 300));

    // The id of each agent's and probe's latest result, made once: the result and the state that points to it share it.
    private Guid LatestId(int index, int probe) => (latestIds ??= MakeLatestIds())[(index * FleetShape.Probes.Length) + probe];

    private Guid[] MakeLatestIds()
    {
        var ids = new Guid[shape.Agents * FleetShape.Probes.Length];
        for (var i = 0; i < shape.Agents; i++)
        {
            for (var p = 0; p < FleetShape.Probes.Length; p++)
            {
                ids[(i * FleetShape.Probes.Length) + p] = Guid.CreateVersion7(Latest(i));
            }
        }

        return ids;
    }

    private async Task WriteResultAsync(NpgsqlBinaryImporter importer, int index, int probe, Guid id, DateTimeOffset at, int slot)
    {
        var (probeId, kind) = FleetShape.Probes[probe];
        var (outcome, findings, error) = slot == 0 ? Verdict(index, kind) : ("ok", "[]", null);
        await importer.StartRowAsync();
        await importer.WriteAsync(id, NpgsqlDbType.Uuid);
        await importer.WriteAsync(FleetShape.AgentId(index), NpgsqlDbType.Text);
        await importer.WriteAsync(shape.SiteId(index), NpgsqlDbType.Text);
        await importer.WriteAsync(probeId, NpgsqlDbType.Text);
        await importer.WriteAsync(3, NpgsqlDbType.Integer);
        await importer.WriteAsync(kind, NpgsqlDbType.Text);
        await importer.WriteAsync(Target(kind), NpgsqlDbType.Text);
        await importer.WriteAsync(at, NpgsqlDbType.TimestampTz);
        await importer.WriteAsync(40.0 + (slot % 17), NpgsqlDbType.Double);
        await importer.WriteAsync(outcome, NpgsqlDbType.Text);
        await importer.WriteAsync(Measurements(index, kind, slot), NpgsqlDbType.Jsonb);
        await importer.WriteAsync(Facts(index, kind), NpgsqlDbType.Jsonb);
        await importer.WriteAsync(findings, NpgsqlDbType.Jsonb);
        await WriteNullableAsync(importer, error);
        await importer.WriteAsync(at.AddMilliseconds(250), NpgsqlDbType.TimestampTz);
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? text)
    {
        if (text is null)
        {
            await importer.WriteNullAsync();
        }
        else
        {
            await importer.WriteAsync(text, NpgsqlDbType.Text);
        }
    }

    private static (string Outcome, string Findings, string? Error) Verdict(int index, string kind) => (Condition(index), kind) switch
    {
        ("broken", "sip") => ("failed", """["sip.no_response"]""", "no answer to OPTIONS within 5 s"),
        ("alg", "sip-alg") => ("degraded", """["sip.alg.rewrote_via","sip.alg.rewrote_contact"]""", null),
        ("exposed", "exposure") => ("degraded", """["exposure.open.5060","exposure.open.443"]""", null),
        ("upnp", "upnp") => ("degraded", """["upnp.mapping.sip_port"]""", null),
        ("degraded", "media") => ("degraded", """["media.mos_low"]""", null),
        _ => ("ok", "[]", null),
    };

    private static string Target(string kind) => kind switch
    {
        "tcp" => "sbc.example.net:5061",
        "http" => "https://portal.example.net/health",
        "dns" => "_sips._tcp.example.net",
        "sip" or "sip-alg" => "sip:probe@sbc.example.net",
        "media" => "rtp-echo.example.net:40000",
        "nat" or "exposure" => "reflector.example.net",
        _ => "ssdp",
    };

    private static string Measurements(int index, string kind, int slot)
    {
        var wobble = ((index + slot) % 23) / 10.0;
        return kind switch
        {
            "tcp" => Json($$"""{"connect_ms":{{18 + wobble}},"tls_handshake_ms":{{41 + wobble}}}"""),
            "http" => Json($$"""{"total_ms":{{120 + wobble}},"ttfb_ms":{{80 + wobble}},"status":200}"""),
            "dns" => Json($$"""{"dns_ms":{{6 + wobble}},"records":2}"""),
            "sip" => Json($$"""{"rtt_ms":{{32 + wobble}}}"""),
            "media" => Json($$"""{"mos_plc":{{4.3 - (wobble / 10)}},"loss_ratio":{{wobble / 1000}},"rtt_avg_ms":{{35 + wobble}},"jitter_ms":{{2 + wobble}}}"""),
            "nat" => Json($$"""{"binding_lifetime_s":{{120 + (slot % 60)}},"stun_rtt_ms":{{24 + wobble}}}"""),
            "exposure" => Json($$"""{"ports_open":{{(Condition(index) == "exposed" ? 2 : 0)}},"ports_scanned":3}"""),
            "upnp" => Json($$"""{"mappings_count":{{(Condition(index) == "upnp" ? 3 : 1)}}}"""),
            _ => Json($$"""{"dns_ms":{{7 + wobble}}}"""),
        };
    }

    private static string Facts(int index, string kind) => kind switch
    {
        "nat" => $$"""{"nat_type":"{{NatTypes[index % NatTypes.Length]}}","mapped_address":"198.51.{{index % 250}}.{{index / 250 % 250}}:{{40000 + (index % 9000)}}"}""",
        "upnp" => $$"""{"igd_name":"{{Routers[index % Routers.Length]}}","igd_server":"Linux UPnP/1.0"}""",
        "exposure" => $$"""{"public_address":"198.51.{{index % 250}}.{{index / 250 % 250}}"}""",
        _ => "{}",
    };

    private static string Json(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
