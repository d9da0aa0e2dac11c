using FleetMonitor.Protocols.Exposure;

namespace FleetMonitor.Reflector.Exposure;

/// <summary>Maps the connect-back scan's HTTP endpoint.</summary>
public static class ExposureEndpoints
{
    public static IEndpointRouteBuilder MapExposureScan(this IEndpointRouteBuilder endpoints)
    {
        // The request authenticates itself (the agent's MAC over its body), not with a user's cookie: in a host with users
        // (the embedded server) it is open to the agents and takes no antiforgery token.
        endpoints.MapPost(ExposureScanProtocol.Path, (HttpContext context, ExposureScanHandler handler) => handler.HandleAsync(context, context.RequestAborted))
            .AllowAnonymous()
            .DisableAntiforgery();
        return endpoints;
    }
}
