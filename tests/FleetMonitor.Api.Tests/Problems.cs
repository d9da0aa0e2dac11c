using System.Net;
using System.Text.Json;

namespace FleetMonitor.Api.Tests;

/// <summary>Assertions on problem responses (RFC 9457).</summary>
public static class Problems
{
    /// <summary>Asserts a 400 validation problem whose errors name <paramref name="field"/>; returns the problem.</summary>
    public static async Task<JsonElement> AssertValidationProblemAsync(HttpResponseMessage response, string field)
    {
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors), $"No errors in {problem}");
        Assert.True(errors.TryGetProperty(field, out var messages), $"The errors do not name '{field}': {errors}");
        Assert.NotEmpty(messages.EnumerateArray());
        return problem;
    }

    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }
}
