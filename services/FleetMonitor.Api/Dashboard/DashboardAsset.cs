using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace FleetMonitor.Api.Dashboard;

/// <summary>One dashboard file, read once from this assembly's embedded resources.</summary>
internal sealed record DashboardAsset(byte[] Content, string ContentType, EntityTagHeaderValue ETag)
{
    public static DashboardAsset Load(string fileName, string contentType)
    {
        var resource = $"FleetMonitor.Api.Dashboard.{fileName}";
        using var stream = typeof(DashboardAsset).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The dashboard resource {resource} is not embedded in the assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var content = buffer.ToArray();
        var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 16))}\"");
        return new DashboardAsset(content, contentType, etag);
    }
}
