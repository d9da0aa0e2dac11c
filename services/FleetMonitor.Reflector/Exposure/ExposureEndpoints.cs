using FleetMonitor.Probes.Exposure;

namespace FleetMonitor.Reflector.Exposure;

/// <summary>Maps the connect-back scan's HTTP endpoint.</summary>
public static class ExposureEndpoints
{
    public static IEndpointRouteBuilder MapExposureScan(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(ExposureScanProtocol.Path, (HttpContext context, ExposureScanHandler handler) => handler.HandleAsync(context, context.RequestAborted));
        return endpoints;
    }
}
