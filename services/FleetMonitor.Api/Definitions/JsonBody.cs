using System.Text.Json;

namespace FleetMonitor.Api.Definitions;

/// <summary>Reads a JSON request body so that every failure is a validation error naming its field, never an empty 400.</summary>
internal static class JsonBody
{
    /// <summary>The body, or null with the errors added (an absent or non-JSON body included).</summary>
    public static async Task<T?> ReadAsync<T>(HttpRequest request, RequestErrors errors, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            errors.Add("body", "The request body must be application/json.");
            return null;
        }

        try
        {
            var body = await request.ReadFromJsonAsync<T>(cancellationToken);
            if (body is null)
            {
                errors.Add("body", "A JSON object is required.");
            }

            return body;
        }
        catch (JsonException e)
        {
            if (e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal))
            {
                errors.Add(JsonNamingPolicy.CamelCase.ConvertName(path[2..].Split('.', '[')[0]), "Has the wrong JSON type.");
            }
            else
            {
                errors.Add("body", $"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
            }

            return null;
        }
    }
}
