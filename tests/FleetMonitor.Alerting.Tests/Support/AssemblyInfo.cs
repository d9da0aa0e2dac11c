// The end-to-end tests share one broker, one PostgreSQL and child processes: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
