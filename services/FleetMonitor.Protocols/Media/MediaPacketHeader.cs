namespace FleetMonitor.Protocols.Media;

/// <summary>The fields of a media probe packet's header (see <see cref="MediaPacket"/> for the layout).</summary>
/// <param name="StreamId">Random per probe run, so that echoes of another run (or another agent) are not counted.</param>
/// <param name="Sequence">0 for the first packet of the stream, then +1 per packet.</param>
/// <param name="SendTimestamp">The sender's monotonic clock (Stopwatch ticks) when the packet was sent; meaningful only to the sender.</param>
/// <param name="Echoed">Set by the reflector in its reply.</param>
public readonly record struct MediaPacketHeader(uint StreamId, uint Sequence, long SendTimestamp, bool Echoed = false);
