using System.Net;
using System.Net.Http.Json;
using FleetMonitor.Api.Tests;
using FleetMonitor.EndToEnd.Support;
using FleetMonitor.Reflector.Auth;
using FleetMonitor.Storage;
using FleetMonitor.Storage.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FleetMonitor.EndToEnd.Control;

/// <summary>The Reflector's credential source against the real Api: an agent enrolled is let in, one revoked is not, within the poll interval.</summary>
public sealed class ReflectorCredentialsTests
{
    private const string Site = "home-reflector";

    [Fact]
    public async Task Enrolment_and_revocation_reach_the_Reflector_within_its_poll_interval()
    {
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var api = await ApiHost.StartAsync(vhost, database);
        (await api.Http.PostAsJsonAsync("/api/sites", new { id = Site, name = "Home", timeZone = "UTC" })).EnsureSuccessStatusCode();
        var token = (await (await api.Http.PostAsJsonAsync($"/api/sites/{Site}/enrolment-tokens", new { expiresInHours = 1, maxUses = 1 }))
            .ReadJsonAsync(HttpStatusCode.Created)).GetProperty("token").GetString()!;
        using var anonymous = new HttpClient { BaseAddress = api.Address };
        var enrolled = await (await anonymous.PostAsJsonAsync("/api/enrol", new { token, hostname = "phone-closet" })).ReadJsonAsync();
        var agentId = enrolled.GetProperty("agentId").GetString()!;
        var username = enrolled.GetProperty("reflectorUsername").GetString()!;
        var password = enrolled.GetProperty("reflectorPassword").GetString()!;

        // The Reflector's own parts: its credential store and the source that fills it, polling every second.
        var credentials = new AgentCredentials(Options.Create(new AgentCredentialsOptions()));
        var options = new AgentCredentialsOptions { ControlPlaneUrl = api.Address.ToString(), ControlPlaneToken = api.AdminToken, RefreshInterval = TimeSpan.FromSeconds(1) };
        Assert.Null(options.Error());
        using var http = new HttpClient();
        using var source = new ControlPlaneCredentialSource(http, credentials, Options.Create(options), TimeProvider.System, NullLogger<ControlPlaneCredentialSource>.Instance);
        await source.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.WaitAsync(
                () => Task.FromResult(credentials.TryGetPassword(username, out var known) ? known : null),
                known => known == password,
                TimeSpan.FromSeconds(60),
                "the enrolled agent's Reflector credential known to the Reflector");

            (await api.Http.PostAsync($"/api/agents/{agentId}/revoke", null)).EnsureSuccessStatusCode();
            await Eventually.WaitAsync(
                () => Task.FromResult(credentials.TryGetPassword(username, out _)),
                known => !known,
                TimeSpan.FromSeconds(60),
                "the revoked agent's Reflector credential forgotten");
            Assert.Equal(0, credentials.EnrolledCount);
        }
        finally
        {
            await source.StopAsync(CancellationToken.None);
            await api.Http.PostAsync($"/api/agents/{agentId}/revoke", null);
        }
    }
}
