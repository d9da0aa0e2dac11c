using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetMonitor.Api;

/// <summary>The problem responses the Api answers with besides validation problems.</summary>
internal static class ApiProblems
{
    /// <param name="what">The kind of thing, lower case: "site", "agent".</param>
    /// <param name="id">The id that was asked for.</param>
    public static ProblemHttpResult NotFound(string what, string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"There is no {what} with the id '{id}'.");

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    public static ProblemHttpResult UnsupportedMediaType() =>
        TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "The request body must be application/json.");
}
