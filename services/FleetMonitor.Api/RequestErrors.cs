using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetMonitor.Api;

/// <summary>Collects the invalid fields of one request and turns them into a 400 validation problem naming each field.</summary>
internal sealed class RequestErrors
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message) =>
        _errors[field] = _errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

    /// <summary>Adds <paramref name="message"/> for <paramref name="field"/> unless it is null.</summary>
    public void AddIfNotNull(string field, string? message)
    {
        if (message is not null)
        {
            Add(field, message);
        }
    }

    /// <summary>Adds every error of <paramref name="other"/>, each field named by <paramref name="prefix"/> and the field.</summary>
    public void AddAll(RequestErrors other, Func<string, string> prefix)
    {
        foreach (var (field, messages) in other._errors)
        {
            foreach (var message in messages)
            {
                Add(prefix(field) + field, message);
            }
        }
    }

    public ValidationProblem ToProblem() => TypedResults.ValidationProblem(_errors);
}
