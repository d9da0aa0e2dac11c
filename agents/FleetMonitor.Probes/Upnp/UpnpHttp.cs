namespace FleetMonitor.Probes.Upnp;

/// <summary>Reads a LAN device's HTTP answers up to <see cref="UpnpXml.MaxBytes"/>: a device is not trusted to be small.</summary>
internal static class UpnpHttp
{
    /// <summary>The body, or null when it is larger than the limit.</summary>
    public static async Task<byte[]?> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Content.Headers.ContentLength > UpnpXml.MaxBytes)
            return null;
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > UpnpXml.MaxBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
