using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FleetMonitor.Storage;

namespace FleetMonitor.Alerting.Tests.Api;

/// <summary>The alert endpoints on PostgreSQL: filters, acknowledge (who, when, comment), resolve, history.</summary>
public sealed class AlertApiTests
{
    [Fact]
    public async Task Alerts_are_filtered_acknowledged_and_resolved_with_their_history()
    {
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var api = await ApiHost.StartAsync(database, new Dictionary<string, string?> { ["Alerting:Webhook:Url"] = "http://127.0.0.1:9/hook" });
        var store = new AlertStore(database.Database, TimeProvider.System);
        var broken = await store.OpenAsync(Alert("a1", "site-a", "broken"), ["webhook"], CancellationToken.None);
        await store.OpenAsync(Alert("a2", "site-b", "exposed"), ["webhook"], CancellationToken.None);

        Assert.Single(await ListAsync(api, "?site=site-a"));
        Assert.Single(await ListAsync(api, "?class=exposed"));
        Assert.Equal(2, (await ListAsync(api, "?state=firing")).Count);

        using var ack = await api.Client.PostAsJsonAsync($"/api/alerts/{broken}/acknowledge", new { comment = "ISP outage, ticket 4711" });
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal("acknowledged", Assert.Single(await ListAsync(api, "?state=acknowledged")).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await api.Client.PostAsJsonAsync($"/api/alerts/{broken}/acknowledge", new { comment = "again" })).StatusCode);

        // Who acts is the signed-in user: a "by" in the body is refused, not believed.
        using var impostor = await api.Client.PostAsJsonAsync($"/api/alerts/{broken}/resolve", new { by = "noc-ben" });
        Assert.Equal(HttpStatusCode.BadRequest, impostor.StatusCode);
        Assert.True(JsonDocument.Parse(await impostor.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("by", out _));
        using var resolve = await api.Client.PostAsJsonAsync($"/api/alerts/{broken}/resolve", new { });
        Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        var details = JsonDocument.Parse(await api.Client.GetStringAsync($"/api/alerts/{broken}")).RootElement;
        var alert = details.GetProperty("alert");
        Assert.Equal(("resolved", "token:alerting-tests", "ISP outage, ticket 4711"),
            (alert.GetProperty("state").GetString(), alert.GetProperty("acknowledgedBy").GetString(), alert.GetProperty("ackComment").GetString()));
        Assert.Equal(["opened", "acknowledged", "resolved"], details.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("event").GetString()));
        Assert.Equal(["token:alerting-tests", "token:alerting-tests"], details.GetProperty("history").EnumerateArray().Skip(1).Select(h => h.GetProperty("actor").GetString()));
        await using (var db = await database.Database.OpenAsync(CancellationToken.None))
        {
            Assert.Equal([("alert.acknowledge", "token:alerting-tests"), ("alert.resolve", "token:alerting-tests")],
                await Dapper.SqlMapper.QueryAsync<(string, string)>(db, "SELECT action, actor FROM audit_log ORDER BY id"));
        }

        Assert.Equal(["firing", "acknowledged", "resolved"], details.GetProperty("notifications").EnumerateArray().Select(n => n.GetProperty("action").GetString()));
    }

    [Theory]
    [InlineData("?state=open", "state")]
    [InlineData("?class=ugly", "class")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?sort=new", "sort")]
    public async Task A_bad_filter_is_a_problem_naming_it(string query, string field)
    {
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var api = await ApiHost.StartAsync(database);
        using var response = await api.Client.GetAsync("/api/alerts" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty(field, out _));
    }

    private static async Task<List<JsonElement>> ListAsync(ApiHost api, string query) =>
        JsonDocument.Parse(await api.Client.GetStringAsync("/api/alerts" + query)).RootElement.EnumerateArray().ToList();

    private static NewAlert Alert(string agent, string site, string alertClass) => new()
    {
        Fingerprint = $"{agent}|p|rule",
        Alertname = "FleetMonitorRegression",
        SiteId = site,
        AgentId = agent,
        ProbeId = "p",
        RuleId = "rule",
        Cause = "rule",
        Class = alertClass,
        Severity = "critical",
        Summary = "summary",
        Description = "description",
    };
}
