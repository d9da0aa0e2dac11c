using System.Text.Json;

namespace FleetMonitor.Api;

/// <summary>
/// Reads a request body as JSON by hand rather than through the binder, whose failures answer with an empty 400: here
/// every failure becomes an entry in <see cref="RequestErrors"/> naming the field, and unknown fields are refused
/// (the request records carry <c>[JsonUnmappedMemberHandling(Disallow)]</c>).
/// </summary>
internal static class JsonBody
{
    /// <summary>
    /// The body, or null with the reason added to <paramref name="errors"/>; <paramref name="shape"/> says what the body
    /// should be ("A JSON object with id and name") for the message when it is missing.
    /// </summary>
    public static async Task<T?> ReadAsync<T>(HttpRequest request, RequestErrors errors, string shape, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            errors.Add("body", "The request body must be application/json.");
            return null;
        }

        T? body;
        try
        {
            body = await request.ReadFromJsonAsync<T>(cancellationToken);
        }
        catch (JsonException e)
        {
            var (field, message) = Describe(e);
            errors.Add(field, message);
            return null;
        }

        if (body is null)
        {
            errors.Add("body", $"{shape} is required.");
        }

        return body;
    }

    private static (string Field, string Message) Describe(JsonException e)
    {
        // "The JSON property 'x' could not be mapped to any .NET member contained in type ..."
        const string Unmapped = "The JSON property '";
        if (e.Message.StartsWith(Unmapped, StringComparison.Ordinal) && e.Message.IndexOf('\'', Unmapped.Length) is var end and > 0)
        {
            var name = e.Message[Unmapped.Length..end];
            return (name, $"'{name}' is not a field of this request.");
        }

        if (e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal))
        {
            return (JsonNamingPolicy.CamelCase.ConvertName(path[2..]), "Has the wrong JSON type.");
        }

        return ("body", $"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
    }
}
