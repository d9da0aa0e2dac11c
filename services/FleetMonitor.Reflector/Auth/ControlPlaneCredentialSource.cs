using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Reflector.Auth;

/// <summary>
/// Fetches the enrolled agents' Reflector credentials from the Api every <see cref="AgentCredentialsOptions.RefreshInterval"/>,
/// so that an enrolment or a revocation reaches the Reflector within that time. When the Api cannot be reached the last
/// list stays in force.
/// </summary>
public sealed partial class ControlPlaneCredentialSource(
    HttpClient http,
    AgentCredentials credentials,
    IOptions<AgentCredentialsOptions> options,
    TimeProvider timeProvider,
    ILogger<ControlPlaneCredentialSource> logger) : BackgroundService
{
    public const string Path = "api/reflector/credentials";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.ControlPlaneUrl))
        {
            return;
        }

        var source = new Uri(new Uri(settings.ControlPlaneUrl.TrimEnd('/') + "/"), Path);
        using var timer = new PeriodicTimer(settings.RefreshInterval, timeProvider);
        do
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, source);
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", settings.ControlPlaneToken);
                using var response = await http.SendAsync(request, stoppingToken);
                response.EnsureSuccessStatusCode();
                var list = await response.Content.ReadFromJsonAsync<List<AgentCredential>>(stoppingToken) ?? [];
                credentials.ReplaceEnrolled(list);
                LogRefreshed(list.Count);
            }
            catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException or ValidationException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                LogRefreshFailed(source, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Count} enrolled agents' credentials fetched")]
    private partial void LogRefreshed(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Enrolled agents' credentials could not be fetched from {Source} ({Reason}); the last list stays")]
    private partial void LogRefreshFailed(Uri source, string reason);
}
