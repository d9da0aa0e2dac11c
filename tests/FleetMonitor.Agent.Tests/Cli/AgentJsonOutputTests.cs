using FleetMonitor.Agent.Cli;
using FleetMonitor.Contracts;

namespace FleetMonitor.Agent.Tests.Cli;

public sealed class AgentJsonOutputTests
{
    [Fact]
    public void Quotes_and_accents_are_printed_as_themselves()
    {
        var json = AgentJsonOutput.Serialize(new ProbeCompleted
        {
            SchemaVersion = 1,
            Id = Guid.CreateVersion7(),
            AgentId = "pc-jdoe",
            SiteId = "home",
            ProbeId = "cli",
            ProbeVersion = 1,
            Kind = "http",
            Target = "https://prov.example.com/phone's.cfg",
            StartedAt = DateTimeOffset.UnixEpoch,
            DurationMs = 1,
            Outcome = ProbeOutcome.Error,
            Error = "method 'FETCH' is not an HTTP method — «über» <b>",
        });

        Assert.Contains("\"error\": \"method 'FETCH' is not an HTTP method — «über» <b>\"", json, StringComparison.Ordinal);
        Assert.Contains("phone's.cfg", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", json, StringComparison.Ordinal);
    }
}
