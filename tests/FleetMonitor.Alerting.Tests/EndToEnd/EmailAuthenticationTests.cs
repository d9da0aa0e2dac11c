using System.Globalization;
using System.Text;
using Dapper;
using FleetMonitor.Alerting.Tests.Support;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace FleetMonitor.Alerting.Tests.EndToEnd;

/// <summary>
/// E-mail through an SMTP server that requires AUTH (Debian's aiosmtpd with an authenticator): the page arrives, so the
/// password was sent, and it is in none of Alerting's output (logged at Debug) nor in the stored deliveries.
/// </summary>
public sealed class EmailAuthenticationTests
{
    private const string User = "fleetmonitor-mailer";

    [Fact]
    public async Task Email_authenticates_with_the_smtp_password_and_never_logs_it()
    {
        var password = "smtp-secret-" + Guid.NewGuid().ToString("N");
        await using var smtp = await SmtpServerProcess.StartWithAuthAsync(User, password);

        // The server refuses mail without AUTH: a delivered page proves the password went over the wire.
        using (var anonymous = new SmtpClient())
        {
            await anonymous.ConnectAsync("127.0.0.1", smtp.Port, SecureSocketOptions.None);
            var message = new MimeMessage([MailboxAddress.Parse("probe@example.net")], [MailboxAddress.Parse("noc@example.net")], "no auth", new TextPart("plain") { Text = "x" });
            var refused = await Assert.ThrowsAsync<MailKit.ServiceNotAuthenticatedException>(() => anonymous.SendAsync(message));
            Assert.Contains("Authentication required", refused.Message, StringComparison.Ordinal);
        }

        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        var (alerting, _) = await AlertingProcess.StartAsync(vhost, database, new Dictionary<string, string>
        {
            ["Alerting:Email:Host"] = "127.0.0.1",
            ["Alerting:Email:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Alerting:Email:Security"] = "None",
            ["Alerting:Email:From"] = "fleetmonitor@fleet.example.net",
            ["Alerting:Email:To:0"] = "noc@example.net",
            ["Alerting:Email:Username"] = User,
            ["Alerting:Email:Password"] = password,
            ["Logging:LogLevel:Default"] = "Debug",
        });
        await using var _alerting = alerting;
        await using var agent = await AgentPublisher.ConnectAsync(vhost);
        for (var run = 0; run < 3; run++)
        {
            await agent.PublishAsync(Results.Make("agent-mail", "pbx-tcp", "tcp", run, ProbeOutcome.Failed));
        }

        var mail = Assert.Single(await Eventually.WaitAsync(() => Task.FromResult(smtp.Messages()), m => m.Count >= 1, TimeSpan.FromSeconds(90), "the page by e-mail"));
        Assert.StartsWith("[FIRING]", mail.Subject, StringComparison.Ordinal);

        // Neither the password nor its AUTH PLAIN / LOGIN encodings, anywhere Alerting writes.
        string[] forms =
        [
            password,
            Convert.ToBase64String(Encoding.UTF8.GetBytes(password)),
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{User}\0{password}")),
        ];
        var log = alerting.Output;
        Assert.Contains("dbug:", log, StringComparison.Ordinal);
        await using var db = await database.Database.OpenAsync(CancellationToken.None);
        var stored = string.Join('\n', await db.QueryAsync<string>("SELECT t::text FROM alert_notifications t UNION ALL SELECT t::text FROM alert_history t"));
        Assert.Contains("delivered", stored, StringComparison.Ordinal);
        foreach (var form in forms)
        {
            Assert.DoesNotContain(form, log, StringComparison.Ordinal);
            Assert.DoesNotContain(form, stored, StringComparison.Ordinal);
        }
    }
}
