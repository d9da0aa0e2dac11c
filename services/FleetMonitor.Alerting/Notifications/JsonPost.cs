using System.Text.Json;

namespace FleetMonitor.Alerting.Notifications;

/// <summary>Posts a JSON body and throws with the status (never the URL, which may be a secret) when it was not taken.</summary>
internal static class JsonPost
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task SendAsync(HttpClient http, string url, object payload, string receiver, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(url, payload, Json, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{receiver} answered {(int)response.StatusCode}");
        }
    }
}
