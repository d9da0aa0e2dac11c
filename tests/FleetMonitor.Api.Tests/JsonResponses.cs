using System.Net;
using System.Text.Json;

namespace FleetMonitor.Api.Tests;

/// <summary>Reads a response as JSON after asserting its status, with the body in the failure message.</summary>
public static class JsonResponses
{
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {expected}, got {response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement;
    }
}
