using System.Diagnostics;
using System.Text.Json;
using FleetMonitor.Contracts;
using FleetMonitor.EndToEnd.Support;
using FleetMonitor.Storage;
using FleetMonitor.Storage.Tests;
using RabbitMQ.Client;

namespace FleetMonitor.EndToEnd.Pipeline;

/// <summary>Ingestion on AMQP over TLS to a broker whose certificate comes from a CA this test makes (openssl).</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task Ingestion_consumes_over_TLS_trusting_only_the_configured_CA()
    {
        var certificates = Path.Combine(Path.GetTempPath(), $"fm-tls-{Guid.NewGuid():N}");
        Directory.CreateDirectory(certificates);
        try
        {
            await OpenSslAsync(certificates, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=FleetMonitor test CA",
                "-keyout", "ca.key", "-out", "ca.pem");
            await OpenSslAsync(certificates, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr");
            await File.WriteAllTextAsync(Path.Combine(certificates, "san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
            await OpenSslAsync(certificates, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                "-extfile", "san.ext", "-out", "server.pem");

            await using var node = await BrokerNode.StartAsync(certificates);
            await using var vhost = await RabbitMqVhost.CreateAsync(node);
            await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
            await using var ingestion = await IngestionHost.StartAsync(vhost, database.Dialect, database.ConnectionString, settings: new Dictionary<string, string?>
            {
                ["Bus:UseTls"] = "true",
                ["Bus:Port"] = (node.Port + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Bus:TlsCaCertificatePath"] = Path.Combine(certificates, "ca.pem"),
            });

            // Every connection of Ingestion is TLS.
            var connections = await node.CtlAsync("-q", "list_connections", "vhost", "ssl", "ssl_protocol");
            var ours = connections.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith(vhost.Name, StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(ours);
            Assert.All(ours, l => Assert.Contains("true", l, StringComparison.Ordinal));

            // A result published (here over plain AMQP) is consumed over TLS and stored.
            await using (var connection = await vhost.ConnectAsync())
            await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
            {
                var result = ResultFeed.Result(TimeProvider.System.GetUtcNow(), "agent-tls", "site-tls", "probe-1", 1);
                await channel.BasicPublishAsync(WireFormat.AgentExchange, "result.site-tls.tcp", mandatory: true,
                    new BasicProperties { Persistent = true }, JsonSerializer.SerializeToUtf8Bytes(result, WireFormat.Options));
            }

            await Eventually.WaitAsync(() => ingestion.Results.CountAsync(CancellationToken.None), n => n == 1, TimeSpan.FromSeconds(60), "the result stored");
        }
        finally
        {
            Directory.Delete(certificates, recursive: true);
        }
    }

    private static async Task OpenSslAsync(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("openssl") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"openssl {string.Join(' ', args)}: {await stderr}");
    }
}
