using System.Text.Json;
using System.Text.Json.Serialization;

namespace FleetMonitor.Alerting.Policies;

/// <summary>Reads and writes the policy JSON: camelCase, unknown members refused, nulls left out.</summary>
public static class PolicyJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = false,
    };

    public static string Serialize(AlertPolicy policy) => JsonSerializer.Serialize(policy, Options);

    /// <summary>Parses and validates <paramref name="json"/>; the errors name each field (<c>rules[2].kind</c>).</summary>
    public static (AlertPolicy? Policy, IReadOnlyDictionary<string, string[]> Errors) Parse(string json)
    {
        AlertPolicy? policy;
        try
        {
            policy = JsonSerializer.Deserialize<AlertPolicy>(json, Options);
        }
        catch (JsonException e)
        {
            var field = FieldOf(e.Path);
            var message = e.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? "Unknown member: " + FirstSentence(e.Message)
                : field == "body"
                    ? $"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})."
                    : "Has the wrong JSON type: " + FirstSentence(e.Message);
            return (null, new Dictionary<string, string[]> { [field] = [message] });
        }

        if (policy is null)
        {
            return (null, new Dictionary<string, string[]> { ["body"] = ["A JSON object is required."] });
        }

        var errors = PolicyValidator.Validate(policy);
        return (errors.Count == 0 ? policy : null, errors);
    }

    /// <summary>"$.rules[2].kind" → "rules[2].kind"; the whole body when the JSON itself is broken.</summary>
    internal static string FieldOf(string? path) =>
        path is { Length: > 2 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : "body";

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". Path", StringComparison.Ordinal);
        return end > 0 ? message[..end] + "." : message;
    }
}
