using System.Data.Common;
using Dapper;

namespace FleetMonitor.Storage;

/// <summary>
/// One agent and probe's evaluation inside one transaction: the window row is locked (PostgreSQL: FOR UPDATE; SQLite
/// has one writer), so replicas evaluating the same agent and probe take turns, and the alerts and notifications
/// written here commit together with the window.
/// </summary>
public sealed class AlertWindowSession
{
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly DateTimeOffset _now;
    private readonly CancellationToken _cancellationToken;

    internal AlertWindowSession(DbConnection connection, DbTransaction transaction, AlertWindowRow window, IReadOnlyList<AlertRow> openAlerts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        _connection = connection;
        _transaction = transaction;
        Window = window;
        OpenAlerts = openAlerts;
        _now = now;
        _cancellationToken = cancellationToken;
    }

    public AlertWindowRow Window { get; }

    /// <summary>The agent and probe's alerts that are not resolved.</summary>
    public IReadOnlyList<AlertRow> OpenAlerts { get; }

    public DateTimeOffset Now => _now;

    /// <summary>The window as it is to be written when the batch commits (<see cref="Save"/>); null: unchanged.</summary>
    public AlertWindowRow? Saved { get; private set; }

    internal const string SaveSql = """
        UPDATE alert_windows SET site_id = @SiteId, kind = @Kind, target = @Target, entries = @Entries, ever_passed = @EverPassed,
            transitions = @Transitions, last_change_started_at = @LastChangeStartedAt, updated_at = @Now
        WHERE agent_id = @AgentId AND probe_id = @ProbeId
        """;

    /// <summary>Keeps <paramref name="window"/> to be written with the batch's other windows before the commit.</summary>
    public void Save(AlertWindowRow window) => Saved = window;

    internal static object SaveParameters(AlertWindowRow window, DateTimeOffset now) => new
    {
        window.SiteId, window.Kind, window.Target, window.Entries, window.EverPassed, window.Transitions,
        window.LastChangeStartedAt, Now = now, window.AgentId, window.ProbeId,
    };

    /// <summary>The agent's public network and router model as last observed, each if known.</summary>
    public async Task<(string? Network, string? Router)> AgentScopesAsync()
    {
        const string Sql = """
            SELECT (SELECT network FROM alert_agent_networks WHERE agent_id = @AgentId) AS Network,
                   (SELECT router FROM alert_agent_routers WHERE agent_id = @AgentId) AS Router
            """;
        return await _connection.QuerySingleAsync<(string? Network, string? Router)>(new CommandDefinition(
            Sql, new { Window.AgentId }, _transaction, cancellationToken: _cancellationToken));
    }

    /// <summary>Opens the alert unless one with its fingerprint is open; queues its notifications.</summary>
    public Task<Guid?> OpenAlertAsync(NewAlert alert, IReadOnlyList<string> channels) =>
        AlertStore.OpenAsync(_connection, _transaction, alert, channels, _now, _cancellationToken);

    public Task<bool> ResolveAlertAsync(Guid alertId, string? actor, string? detail, IReadOnlyList<string> channels) =>
        AlertStore.ResolveAsync(_connection, _transaction, alertId, actor, detail, channels, _now, _cancellationToken);
}
