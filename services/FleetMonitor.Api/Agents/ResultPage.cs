namespace FleetMonitor.Api.Agents;

/// <summary>A page of results, newest first; <see cref="Next"/> is the <c>before</c> cursor of the next page, absent on the last.</summary>
public sealed record ResultPage(IReadOnlyList<ProbeResultResponse> Items, Guid? Next);
