using System.Globalization;

namespace FleetMonitor.Alerting.Tests.Support;

/// <summary>The Alerting service as its own process (<c>dotnet FleetMonitor.Alerting.dll</c>) on the test's broker vhost and database.</summary>
public static class AlertingProcess
{
    public static async Task<(ChildProcess Process, Uri Address)> StartAsync(RabbitMqVhost vhost, TestDatabase database, IReadOnlyDictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string>
        {
            ["Storage:Provider"] = database.Dialect.ToString(),
            ["Storage:ConnectionString"] = database.ConnectionString,
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:Host"] = RabbitMqVhost.Host,
            ["Bus:VirtualHost"] = vhost.Name,
            ["Bus:Username"] = RabbitMqVhost.User,
            ["Bus:Password"] = RabbitMqVhost.Password,
            ["Alerting:RefreshInterval"] = "00:00:02",
            ["Alerting:RetryBaseDelay"] = "00:00:00.200",
            ["Alerting:RetryMaxDelay"] = "00:00:01",
            ["Alerting:DispatchPollInterval"] = "00:00:00.200",
            // The test receivers record a request before they answer it: an answer that a busy machine delays past the
            // 10 s default made Alerting retry a page already received, and a test counting pages saw one too many.
            ["Alerting:DeliveryTimeout"] = "00:01:00",
            // A new alert whose network, router or PBX target is known waits this long for its group (10 s by default).
            ["Alerting:GroupWait"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:MassTransit"] = "Warning",
            ["Logging:LogLevel:Quartz"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        var args = new List<string> { Path.Combine(AppContext.BaseDirectory, "FleetMonitor.Alerting.dll"), "--contentRoot", AppContext.BaseDirectory, "--urls", "http://127.0.0.1:0" };
        foreach (var (key, value) in all)
        {
            args.Add($"--{key}");
            args.Add(value);
        }

        var process = ChildProcess.Start("dotnet", args, new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Production" });
        try
        {
            // Bounds for a busy machine: at a load of 90 the process took more than 90 s to listen.
            var address = await process.ListeningAddressAsync(TimeSpan.FromSeconds(180));
            using var http = new HttpClient { BaseAddress = address };
            await Eventually.WaitAsync(
                async () =>
                {
                    Assert.False(process.HasExited, $"Alerting exited:\n{process.Output}");
                    try
                    {
                        return (await http.GetAsync("/health")).StatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return System.Net.HttpStatusCode.ServiceUnavailable;
                    }
                },
                status => status == System.Net.HttpStatusCode.OK,
                TimeSpan.FromSeconds(180),
                "Alerting reporting healthy");
            return (process, address);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public static string Seconds(double seconds) => TimeSpan.FromSeconds(seconds).ToString("c", CultureInfo.InvariantCulture);
}
