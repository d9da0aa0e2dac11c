using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using FleetMonitor.Api.Definitions;
using FleetMonitor.Contracts;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Api.Enrolment;

/// <summary>
/// Agents' own RabbitMQ users, made and deleted through the management API. An agent's user may publish only to the
/// agents' exchange under its own site's routing keys, and read only its own queue; it can declare nothing.
/// Deleting the user and closing its connections ends its access at once.
/// </summary>
public sealed class BrokerAccounts(HttpClient http, IOptions<ControlOptions> options)
{
    public bool Enabled => !string.IsNullOrWhiteSpace(options.Value.ManagementUri) && !string.IsNullOrWhiteSpace(options.Value.BrokerUri);

    private string VirtualHost
    {
        get
        {
            var path = new Uri(options.Value.BrokerUri!).AbsolutePath.TrimStart('/');
            return path.Length == 0 ? "/" : Uri.UnescapeDataString(path);
        }
    }

    public async Task CreateAgentUserAsync(string user, string password, string agentId, string siteId, CancellationToken cancellationToken)
    {
        var vhost = Uri.EscapeDataString(VirtualHost);
        var name = Uri.EscapeDataString(user);
        await SendAsync(HttpMethod.Put, $"users/{name}", new { password, tags = "" }, cancellationToken);
        await SendAsync(HttpMethod.Put, $"permissions/{vhost}/{name}", new
        {
            configure = "^$",
            write = $"^{Regex.Escape(WireFormat.AgentExchange)}$",
            read = $"^{Regex.Escape(ControlTopology.AgentQueue(agentId))}$",
        }, cancellationToken);
        var site = Regex.Escape(siteId);
        await SendAsync(HttpMethod.Put, $"topic-permissions/{vhost}/{name}", new
        {
            exchange = WireFormat.AgentExchange,
            write = $"^({WireFormat.ResultRoutingPrefix}|{WireFormat.BatchRoutingPrefix}|{WireFormat.HeartbeatRoutingPrefix}|{ControlTopology.ScheduleRequestRoutingPrefix})\\.{site}(\\..*)?$",
            read = "^$",
        }, cancellationToken);
    }

    /// <summary>Deletes the user and closes every connection it has open.</summary>
    public async Task DeleteAgentUserAsync(string user, CancellationToken cancellationToken)
    {
        var name = Uri.EscapeDataString(user);
        // Its open connections first, then the user (which also closes any connection made in between and refuses new
        // ones). The other way round the broker is already closing the deleted user's connections and the management
        // API answers the second call with a 500.
        await SendAsync(HttpMethod.Delete, $"connections/username/{name}", null, cancellationToken, HttpStatusCode.NotFound);
        await SendAsync(HttpMethod.Delete, $"users/{name}", null, cancellationToken, HttpStatusCode.NotFound);
    }

    private async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken, HttpStatusCode? alsoFine = null)
    {
        var control = options.Value;
        using var request = new HttpRequestMessage(method, new Uri(new Uri(control.ManagementUri!.TrimEnd('/') + "/api/"), path));
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{control.ManagementUser}:{control.ManagementPassword}")));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode && response.StatusCode != alsoFine)
        {
            throw new HttpRequestException(
                $"RabbitMQ management API {method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}",
                null, response.StatusCode);
        }
    }
}
