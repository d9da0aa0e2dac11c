using System.Security.Cryptography;
using FleetMonitor.Api.Definitions;
using FleetMonitor.Api.Sites;
using FleetMonitor.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Api.Enrolment;

/// <summary>
/// Site enrolment tokens, the enrolment itself (a token for an agent identity and its own credentials), the enrolled
/// agents, their revocation, and the Reflector's view of their credentials.
/// </summary>
public static partial class EnrolmentEndpoints
{
    public const int MaxTokenUses = 10_000;

    /// <summary>The token endpoints (admin), the enrolled agents (operator), revocation (admin) and the Reflector's credential list.</summary>
    public static RouteGroupBuilder MapEnrolmentEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/").WithTags("Enrolment");
        group.MapPost("/sites/{siteId}/enrolment-tokens", CreateTokenAsync);
        group.MapGet("/sites/{siteId}/enrolment-tokens", ListTokensAsync);
        group.MapDelete("/sites/{siteId}/enrolment-tokens/{id}", RevokeTokenAsync);
        group.MapGet("/sites/{siteId}/enrolled-agents", ListAgentsAsync);
        group.MapPost("/agents/{agentId}/revoke", RevokeAgentAsync);
        group.MapGet("/reflector/credentials", ListReflectorCredentialsAsync);
        return group;
    }

    /// <summary>The one endpoint an agent calls without an account: the token is its credential.</summary>
    public static RouteHandlerBuilder MapEnrolEndpoint(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/enrol", EnrolAsync).WithTags("Enrolment");

    private static async Task<Results<Created<CreatedTokenResponse>, ValidationProblem, ProblemHttpResult>> CreateTokenAsync(
        string siteId, HttpRequest request, SiteStore sites, EnrolmentStore enrolment, IOptions<ControlOptions> options, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        if (SiteRules.IdError(siteId) is not null || await sites.GetAsync(siteId, cancellationToken) is null)
        {
            return ApiProblems.NotFound("site", siteId);
        }

        var errors = new RequestErrors();
        var body = await JsonBody.ReadAsync<CreateTokenRequest>(request, errors, "A JSON object with the token's expiry and maximum uses", cancellationToken);
        if (body is null)
        {
            return errors.ToProblem();
        }

        if (body.ExpiresInHours is < 1 or > 24 * 90)
        {
            errors.Add("expiresInHours", "Must be from 1 to 2160 hours (90 days).");
        }

        if (body.MaxUses is < 1 or > MaxTokenUses)
        {
            errors.Add("maxUses", $"Must be from 1 to {MaxTokenUses}.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var lifetime = body.ExpiresInHours is { } hours ? TimeSpan.FromHours(hours) : options.Value.DefaultTokenLifetime;
        var (row, token) = await enrolment.CreateTokenAsync(siteId, timeProvider.GetUtcNow() + lifetime, body.MaxUses ?? 1, cancellationToken);
        return TypedResults.Created(
            $"{ApiHostingExtensions.ApiPrefix}/sites/{siteId}/enrolment-tokens/{row.Id}",
            new CreatedTokenResponse(row.Id, row.SiteId, token, row.ExpiresAt, row.MaxUses));
    }

    private static async Task<Results<Ok<IReadOnlyList<EnrolmentTokenRow>>, ProblemHttpResult>> ListTokensAsync(
        string siteId, SiteStore sites, EnrolmentStore enrolment, CancellationToken cancellationToken)
    {
        if (SiteRules.IdError(siteId) is not null || await sites.GetAsync(siteId, cancellationToken) is null)
        {
            return ApiProblems.NotFound("site", siteId);
        }

        return TypedResults.Ok(await enrolment.ListTokensAsync(siteId, cancellationToken));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeTokenAsync(
        string siteId, string id, EnrolmentStore enrolment, CancellationToken cancellationToken) =>
        await enrolment.RevokeTokenAsync(siteId, id, cancellationToken) ? TypedResults.NoContent() : ApiProblems.NotFound("enrolment token", id);

    private static async Task<Results<Ok<IReadOnlyList<EnrolledAgentResponse>>, ProblemHttpResult>> ListAgentsAsync(
        string siteId, SiteStore sites, EnrolmentStore enrolment, ScheduleStore schedules, CancellationToken cancellationToken)
    {
        if (SiteRules.IdError(siteId) is not null || await sites.GetAsync(siteId, cancellationToken) is null)
        {
            return ApiProblems.NotFound("site", siteId);
        }

        var identities = await enrolment.ListIdentitiesAsync(siteId, cancellationToken);
        var status = (await schedules.ListAgentStatusAsync(siteId, cancellationToken)).ToDictionary(s => s.AgentId, StringComparer.Ordinal);
        // Agents configured by hand (never enrolled) that report a schedule are listed too.
        var ids = identities.Select(i => i.AgentId).Union(status.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var byId = identities.ToDictionary(i => i.AgentId, StringComparer.Ordinal);
        return TypedResults.Ok<IReadOnlyList<EnrolledAgentResponse>>(ids.Select(id =>
        {
            byId.TryGetValue(id, out var identity);
            status.TryGetValue(id, out var reported);
            return new EnrolledAgentResponse(
                id, siteId, identity?.Hostname, identity?.EnrolledAt ?? reported!.ReportedAt, identity?.RevokedAt,
                reported?.AppliedVersion, reported?.ScheduleError, reported?.ReportedAt);
        }).ToList());
    }

    private static async Task<Results<Ok<EnrolResponse>, ValidationProblem, ProblemHttpResult>> EnrolAsync(
        HttpRequest request, EnrolmentStore enrolment, BrokerAccounts broker, ControlPublisher publisher, IOptions<ControlOptions> options,
        TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        var body = await JsonBody.ReadAsync<EnrolRequest>(request, errors, "A JSON object with the enrolment token", cancellationToken);
        if (body is null)
        {
            return errors.ToProblem();
        }

        if (string.IsNullOrEmpty(body.Token) || body.Token.Length > 200)
        {
            errors.Add("token", "The site enrolment token is required.");
        }

        if (body.Hostname is { Length: > 255 })
        {
            errors.Add("hostname", "At most 255 characters.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        if (!broker.Enabled)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Enrolment is not configured",
                detail: "This server has no broker management API configured (Control:ManagementUri, Control:BrokerUri), so it cannot make agent credentials.");
        }

        var brokerPassword = Secret();
        var (outcome, identity) = await enrolment.EnrolAsync(body.Token!, async token =>
        {
            var agentId = $"{token.SiteId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
            // The queue first: a user whose queue is missing could connect but not listen.
            await publisher.DeclareAgentQueueAsync(agentId, token.SiteId, cancellationToken);
            await broker.CreateAgentUserAsync(agentId, brokerPassword, agentId, token.SiteId, cancellationToken);
            return new AgentIdentityRow
            {
                AgentId = agentId,
                SiteId = token.SiteId,
                BrokerUser = agentId,
                ReflectorUsername = agentId,
                ReflectorPassword = Secret(),
                TokenId = token.Id,
                Hostname = body.Hostname,
                EnrolledAt = timeProvider.GetUtcNow(),
            };
        }, cancellationToken);

        if (identity is null)
        {
            var detail = outcome switch
            {
                EnrolmentOutcome.Expired => "The enrolment token has expired. Ask an administrator for a new one.",
                EnrolmentOutcome.Revoked => "The enrolment token was revoked. Ask an administrator for a new one.",
                EnrolmentOutcome.UsedUp => "The enrolment token has been used as many times as it allows. Ask an administrator for a new one.",
                _ => "The enrolment token is not known.",
            };
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Enrolment refused", detail: detail);
        }

        return TypedResults.Ok(new EnrolResponse(
            identity.AgentId, identity.SiteId, options.Value.AgentBrokerUri ?? StripCredentials(options.Value.BrokerUri!), identity.BrokerUser, brokerPassword,
            identity.ReflectorUsername, identity.ReflectorPassword));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAgentAsync(
        string agentId, EnrolmentStore enrolment, BrokerAccounts broker, ControlPublisher publisher, CancellationToken cancellationToken)
    {
        var identity = await enrolment.GetIdentityAsync(agentId, cancellationToken);
        if (identity is null)
        {
            return ApiProblems.NotFound("enrolled agent", agentId);
        }

        await enrolment.RevokeIdentityAsync(agentId, cancellationToken);
        if (broker.Enabled)
        {
            await broker.DeleteAgentUserAsync(identity.BrokerUser, cancellationToken);
            await publisher.DeleteAgentQueueAsync(agentId, cancellationToken);
        }

        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<ReflectorCredentialResponse>>> ListReflectorCredentialsAsync(EnrolmentStore enrolment, CancellationToken cancellationToken)
    {
        var identities = await enrolment.ListIdentitiesAsync(null, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ReflectorCredentialResponse>>(
            identities.Where(i => i.RevokedAt is null).Select(i => new ReflectorCredentialResponse(i.ReflectorUsername, i.ReflectorPassword)).ToList());
    }

    /// <summary>32 printable ASCII characters (base64url of 24 random bytes): fit for an AMQP password and a STUN short-term key.</summary>
    private static string Secret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    private static string StripCredentials(string uri) => new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString();
}
