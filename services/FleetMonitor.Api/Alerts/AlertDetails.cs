using FleetMonitor.Storage;

namespace FleetMonitor.Api.Alerts;

/// <summary>One alert with its history and the outcome of every delivery.</summary>
public sealed record AlertDetails(AlertRow Alert, IReadOnlyList<AlertHistoryRow> History, IReadOnlyList<AlertNotificationRow> Notifications);
