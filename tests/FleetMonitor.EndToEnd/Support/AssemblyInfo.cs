// The whole-system tests share one broker, one PostgreSQL and process-wide Prometheus counters: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
