using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FleetMonitor.Api.Tests;
using FleetMonitor.Contracts;
using FleetMonitor.EndToEnd.Support;
using FleetMonitor.Ingestion;
using FleetMonitor.Storage;
using FleetMonitor.Storage.Tests;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace FleetMonitor.EndToEnd.Control;

/// <summary>
/// <c>enrol</c> as a real process against the Api and RabbitMQ's management API: a token becomes an agent identity with
/// its own broker user; bad tokens are refused with nothing made; the enrolled agent runs its site's schedule; its
/// credential cannot speak for another agent; revoking it ends its broker access.
/// </summary>
public sealed class EnrolmentTests
{
    private const string Site = "home-enrol";
    private const string ResultsQueue = "ingestion-results";

    [Fact]
    public async Task Enrolled_agent_runs_its_site_schedule_cannot_impersonate_and_is_cut_off_when_revoked()
    {
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        // Strict: only enrolled agents' broker users may send at all.
        await using var ingestion = await IngestionHost.StartAsync(vhost, database.Dialect, database.ConnectionString,
            settings: new Dictionary<string, string?> { ["Ingestion:Identity:RequireEnrolledSender"] = "true" });
        await using var api = await ApiHost.StartAsync(vhost, database);
        var folder = Directory.CreateTempSubdirectory("fleetmonitor-enrol-").FullName;
        var enrolment = api.Services.GetRequiredService<EnrolmentStore>();
        string? brokerUser = null;
        try
        {
            (await api.Http.PostAsJsonAsync("/api/sites", new { id = Site, name = "Home", timeZone = "UTC" })).EnsureSuccessStatusCode();
            var token = (await (await api.Http.PostAsJsonAsync($"/api/sites/{Site}/enrolment-tokens", new { expiresInHours = 1, maxUses = 1 }))
                .ReadJsonAsync(HttpStatusCode.Created)).GetProperty("token").GetString()!;

            var config = Path.Combine(folder, "agent.json");
            var (code, output) = await EnrolAsync(folder, api, token, config);
            Assert.True(code == 0, output);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(config));
            }

            using var written = JsonDocument.Parse(await File.ReadAllTextAsync(config));
            var agentSection = written.RootElement.GetProperty("agent");
            var agentId = agentSection.GetProperty("agentId").GetString()!;
            var brokerUri = agentSection.GetProperty("broker").GetProperty("uri").GetString()!;
            brokerUser = Uri.UnescapeDataString(new Uri(brokerUri).UserInfo.Split(':')[0]);
            Assert.StartsWith(Site + "-", agentId, StringComparison.Ordinal);
            Assert.Equal(agentId, brokerUser);

            // Used up, revoked, expired: a clear refusal, exit code 1, and no second identity.
            var (usedUp, usedUpOutput) = await EnrolAsync(folder, api, token, Path.Combine(folder, "second.json"));
            Assert.Equal(1, usedUp);
            Assert.Contains("used as many times", usedUpOutput, StringComparison.Ordinal);
            var revoked = await (await api.Http.PostAsJsonAsync($"/api/sites/{Site}/enrolment-tokens", new { maxUses = 5 })).ReadJsonAsync(HttpStatusCode.Created);
            (await api.Http.DeleteAsync($"/api/sites/{Site}/enrolment-tokens/{revoked.GetProperty("id").GetString()}")).EnsureSuccessStatusCode();
            var (revokedCode, revokedOutput) = await EnrolAsync(folder, api, revoked.GetProperty("token").GetString()!, Path.Combine(folder, "third.json"));
            Assert.Equal(1, revokedCode);
            Assert.Contains("revoked", revokedOutput, StringComparison.Ordinal);
            var (_, expiredToken) = await enrolment.CreateTokenAsync(Site, TimeProvider.System.GetUtcNow().AddMinutes(-1), 5, CancellationToken.None);
            var (expiredCode, expiredOutput) = await EnrolAsync(folder, api, expiredToken, Path.Combine(folder, "fourth.json"));
            Assert.Equal(1, expiredCode);
            Assert.Contains("expired", expiredOutput, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(folder, "second.json")) || File.Exists(Path.Combine(folder, "third.json")) || File.Exists(Path.Combine(folder, "fourth.json")));
            Assert.Single(await enrolment.ListIdentitiesAsync(Site, CancellationToken.None));

            // The enrolled agent, with nothing but the written file, runs a definition of its site.
            (await api.Http.PutAsJsonAsync($"/api/sites/{Site}/definitions/ingestion-tcp",
                new { kind = "tcp", target = $"127.0.0.1:{ingestion.Address.Port}", intervalSeconds = 1, timeoutSeconds = 1 })).EnsureSuccessStatusCode();
            // Revoked at the end (finally), which deletes its broker user.
            var agent = AgentProcess.Start(folder, new Dictionary<string, string>
            {
                ["Agent__OutboxPath"] = Path.Combine(folder, "outbox.db"),
                ["Agent__HeartbeatInterval"] = "00:00:01",
                ["Agent__MaxSplay"] = "00:00:00",
                ["Agent__Control__ScheduleCachePath"] = Path.Combine(folder, "schedule.json"),
            }, "run", "--config", config);
            await using (agent)
            {
                var states = ingestion.Services.GetRequiredService<StateStore>();
                try
                {
                    await Eventually.WaitAsync(() => states.ListForAgentAsync(agentId, CancellationToken.None), r => r.Any(s => s.ProbeId == "ingestion-tcp" && s.Outcome == "ok"),
                        TimeSpan.FromSeconds(60), "the enrolled agent's result");
                }
                catch (TimeoutException e)
                {
                    throw new TimeoutException($"{e.Message}\nagent output:\n{agent.Output}", e);
                }

                // Its own credential, speaking for another agent: the broker takes it (the user_id is its own), Ingestion refuses it.
                var before = IngestionMetrics.RejectedCount(ResultsQueue, "impersonation");
                var impostor = Result("someone-else");
                await PublishAsAsync(brokerUri, brokerUser, impostor);
                await WaitForErrorQueueAsync(vhost, ingestion, ResultsQueue + "_error", 1, "the impersonation in the error queue");
                Assert.Equal(before + 1, IngestionMetrics.RejectedCount(ResultsQueue, "impersonation"));
                Assert.Empty(await states.ListForAgentAsync("someone-else", CancellationToken.None));

                // The same for a heartbeat: both of Ingestion's heartbeat queues refuse it.
                var heartbeatsBefore = IngestionMetrics.RejectedCount("ingestion-heartbeats", "impersonation");
                await PublishAsAsync(brokerUri, brokerUser, $"{WireFormat.HeartbeatRoutingPrefix}.{Site}", nameof(AgentHeartbeatSent), JsonSerializer.SerializeToUtf8Bytes(
                    new AgentHeartbeatSent
                    {
                        SchemaVersion = AgentHeartbeatSent.CurrentSchemaVersion,
                        AgentId = "someone-else",
                        SiteId = Site,
                        SentAt = TimeProvider.System.GetUtcNow(),
                        Hostname = "impostor",
                        AgentVersion = "1.0.0",
                        OutboxBacklog = 0,
                    },
                    WireFormat.Options));
                await WaitForErrorQueueAsync(vhost, ingestion, "ingestion-heartbeats_error", 1, "the heartbeat impersonation in the error queue");
                await WaitForErrorQueueAsync(vhost, ingestion, "ingestion-schedule-status_error", 1, "the heartbeat impersonation in the schedule status error queue");
                Assert.Equal(heartbeatsBefore + 1, IngestionMetrics.RejectedCount("ingestion-heartbeats", "impersonation"));

                // A user_id other than the connection's own is refused by the broker itself (the channel is closed).
                await Assert.ThrowsAnyAsync<Exception>(() => PublishAsAsync(brokerUri, RabbitMqVhost.User, Result(agentId)));

                // Not an enrolled agent's user (the shared service credential, with or without a user_id): refused as well.
                await PublishAsAsync(vhost.AmqpUri, null, Result(agentId));
                await PublishAsAsync(vhost.AmqpUri, RabbitMqVhost.User, Result(agentId));
                await WaitForErrorQueueAsync(vhost, ingestion, ResultsQueue + "_error", 3, "the unenrolled senders' results in the error queue");
                Assert.Equal(before + 3, IngestionMetrics.RejectedCount(ResultsQueue, "impersonation"));

                // Revoked: its open connections are closed and it can no longer connect. The broker closes them at once; its
                // management API lists connections from statistics it gathers every few seconds, later on a busy machine.
                (await api.Http.PostAsync($"/api/agents/{agentId}/revoke", null)).EnsureSuccessStatusCode();
                using var management = ManagementClient();
                await Eventually.WaitAsync(
                    async () => (await management.GetStringAsync($"api/connections/username/{Uri.EscapeDataString(brokerUser)}")).Trim(),
                    body => body == "[]",
                    TimeSpan.FromSeconds(60),
                    "the revoked agent's connections closed");
                Assert.Equal(HttpStatusCode.NotFound, (await management.GetAsync($"api/users/{Uri.EscapeDataString(brokerUser)}")).StatusCode);
                await Eventually.WaitAsync(
                    async () =>
                    {
                        try
                        {
                            await PublishAsAsync(brokerUri, brokerUser, Result(agentId));
                            return false;
                        }
                        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.BrokerUnreachableException or RabbitMQ.Client.Exceptions.AuthenticationFailureException)
                        {
                            return true;
                        }
                    },
                    refused => refused,
                    TimeSpan.FromSeconds(60),
                    "the revoked agent's credential refused");
            }
        }
        finally
        {
            if (brokerUser is not null)
            {
                await api.Http.PostAsync($"/api/agents/{brokerUser}/revoke", null);
                using var management = ManagementClient();
                await management.DeleteAsync($"api/users/{Uri.EscapeDataString(brokerUser)}");
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> EnrolAsync(string folder, ApiHost api, string token, string config)
    {
        await using var process = AgentProcess.Start(folder, new Dictionary<string, string>(), "enrol", "--server", api.Address.ToString(), "--token", token, "--config", config);
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, process.Output);
    }

    private static async Task WaitForErrorQueueAsync(RabbitMqVhost vhost, IngestionHost ingestion, string queue, uint depth, string what)
    {
        try
        {
            await Eventually.WaitAsync(() => vhost.QueueDepthAsync(queue), d => d == depth, TimeSpan.FromSeconds(60), what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\nqueues:\n{await vhost.DescribeQueuesAsync()}\ningestion log:\n{ingestion.Log.Tail()}", e);
        }
    }

    /// <summary>Publishes one result as an agent would, with the given user_id, and waits for the broker's confirm.</summary>
    private static Task PublishAsAsync(string brokerUri, string? userId, ProbeCompleted result) =>
        PublishAsAsync(brokerUri, userId, $"{WireFormat.ResultRoutingPrefix}.{Site}.tcp", nameof(ProbeCompleted), JsonSerializer.SerializeToUtf8Bytes(result, WireFormat.Options));

    private static async Task PublishAsAsync(string brokerUri, string? userId, string routingKey, string type, byte[] body)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(brokerUri) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties { Persistent = true, ContentType = "application/json", Type = type, MessageId = Guid.NewGuid().ToString(), UserId = userId };
        await channel.BasicPublishAsync(WireFormat.AgentExchange, routingKey, mandatory: true, properties, body);
    }

    private static ProbeCompleted Result(string agentId)
    {
        var now = TimeProvider.System.GetUtcNow();
        return new ProbeCompleted
        {
            SchemaVersion = ProbeCompleted.CurrentSchemaVersion,
            Id = Guid.CreateVersion7(now),
            AgentId = agentId,
            SiteId = Site,
            ProbeId = "pbx-tcp",
            ProbeVersion = 1,
            Kind = "tcp",
            Target = "pbx.example.com:5061",
            StartedAt = now,
            DurationMs = 12,
            Outcome = ProbeOutcome.Ok,
        };
    }

    private static HttpClient ManagementClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(ApiHost.ManagementUri) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RabbitMqVhost.User}:{RabbitMqVhost.Password}")));
        return client;
    }
}
