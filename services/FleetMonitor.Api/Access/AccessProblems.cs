namespace FleetMonitor.Api.Access;

/// <summary>Writes the 401 and 403 answers as problem+json, for the cookie and the token scheme alike.</summary>
internal static class AccessProblems
{
    public static Task WriteUnauthorizedAsync(HttpContext context) => WriteAsync(
        context, StatusCodes.Status401Unauthorized, "Sign-in required",
        "Sign in at /login, or send an Api token as 'Authorization: Bearer fm_...'.");

    public static Task WriteForbiddenAsync(HttpContext context) => WriteAsync(
        context, StatusCodes.Status403Forbidden, "Not allowed",
        $"The role '{Role(context)}' may not {context.Request.Method} {context.Request.Path}.");

    private static string Role(HttpContext context) =>
        context.User.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value ?? "none";

    private static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        var written = await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
        if (!written)
        {
            // The client accepts no JSON (a browser asking for a page): plain text says the same.
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync($"{title}: {detail}", context.RequestAborted);
        }
    }
}
