namespace FleetMonitor.Alerting.Tests.Support;

/// <summary>One request an <see cref="HttpReceiver"/> took.</summary>
public sealed record ReceivedRequest(string Path, IReadOnlyDictionary<string, string> Headers, string Body);
