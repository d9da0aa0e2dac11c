using System.Text;
using FleetMonitor.Storage;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace FleetMonitor.Alerting.Notifications;

/// <summary>E-mail over SMTP with MailKit: the title as subject, the description, the facts and the link as plain text.</summary>
public sealed class EmailNotifier(IOptions<AlertingOptions> options, AlertLinks links) : IAlertNotifier
{
    public string Channel => NotificationChannels.Email;

    public async Task DeliverAsync(AlertRow alert, string action, CancellationToken cancellationToken)
    {
        var email = options.Value.Email;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(email.From!));
        foreach (var to in email.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = AlertText.Title(alert, action);
        message.Headers.Add("X-FleetMonitor-Alert", alert.Id.ToString());
        var body = new StringBuilder().AppendLine(alert.Description).AppendLine();
        foreach (var (label, value) in AlertText.Facts(alert))
        {
            body.Append(label).Append(": ").AppendLine(value);
        }

        body.AppendLine().AppendLine(links.Dashboard(alert));
        message.Body = new TextPart("plain") { Text = body.ToString() };

        using var client = new SmtpClient();
        await client.ConnectAsync(email.Host!, email.Port, Enum.Parse<SecureSocketOptions>(email.Security), cancellationToken);
        if (!string.IsNullOrEmpty(email.Username))
        {
            await client.AuthenticateAsync(email.Username, email.Password ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }
}
