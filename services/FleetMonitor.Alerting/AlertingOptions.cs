using System.ComponentModel.DataAnnotations;

namespace FleetMonitor.Alerting;

/// <summary>Settings of the Alerting service (section <c>Alerting</c>).</summary>
public sealed class AlertingOptions
{
    public const string SectionName = "Alerting";

    /// <summary>RabbitMQ prefetch (and consumer concurrency) of the results and state-change endpoints.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 64;

    /// <summary>At most this many results and state changes are evaluated in one transaction (whatever is waiting, up to this).</summary>
    [Range(1, 2_000)]
    public int EvaluationBatchSize { get; set; } = 500;

    /// <summary>
    /// Batches evaluated side by side (PostgreSQL only; SQLite takes one): each agent keeps to one lane, so its items
    /// stay in order. One by default: on a 2-core machine shared with the broker, the database and Ingestion, four lanes
    /// made smaller transactions and took CPU from Ingestion (docs/BENCHMARKS.md); more may pay where the database has
    /// cores of its own.
    /// </summary>
    [Range(1, 64)]
    public int EvaluationLanes { get; set; } = 1;

    /// <summary>Evaluate every result from the agents' exchange (N of M, measurements); off leaves state changes only.</summary>
    public bool ConsumeResults { get; set; } = true;

    /// <summary>How long a site's policy is cached before it is read again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan PolicyCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The dashboard's base URL, for the alerts' <c>dashboard_url</c> annotation.</summary>
    [Url]
    public string? DashboardUrl { get; set; }

    /// <summary>Deliveries per channel are retried this often before they are marked failed.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 12;

    /// <summary>First retry delay; it doubles per attempt up to <see cref="RetryMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one delivery may take; a delivery claimed by a replica that died is taken over after twice this.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the dispatcher looks for due deliveries when nothing woke it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan DispatchPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often open alerts are re-posted to Alertmanager and due re-notifications queued.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a firing, unacknowledged alert is sent again to the direct channels.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RenotifyInterval { get; set; } = TimeSpan.FromHours(4);

    /// <summary>How often the agent-offline job runs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan OfflineCheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Run the agent-offline job on Quartz's clustered ADO job store (PostgreSQL); off: an in-memory scheduler.</summary>
    public bool ClusteredScheduler { get; set; } = true;

    /// <summary>
    /// How long a new alert's first notification waits when its agent's public network, its router model or its probe's
    /// PBX or server target is known, so that alerts of one such scope and cause arriving together are grouped
    /// (Alertmanager's <c>group_wait</c> plays the same part).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan GroupWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Open alerts of one public network, target or router model and cause from which one grouped alert replaces their pages; 0: never.</summary>
    [Range(0, 100_000)]
    public int GroupThreshold { get; set; } = 10;

    public AlertmanagerChannelOptions Alertmanager { get; set; } = new();

    public WebhookChannelOptions Webhook { get; set; } = new();

    public IncomingWebhookOptions Slack { get; set; } = new();

    public IncomingWebhookOptions Teams { get; set; } = new();

    public PagerDutyChannelOptions PagerDuty { get; set; } = new();

    public EmailChannelOptions Email { get; set; } = new();
}
