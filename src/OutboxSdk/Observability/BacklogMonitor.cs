namespace OutboxSdk.Observability;

/// <summary>
/// Measures the backlog through <see cref="IBacklogProbe"/> and keeps the latest result for the gauges. The
/// health check measures live through it too, so both see the same numbers.
/// </summary>
internal sealed class BacklogMonitor : IDisposable
{
    private readonly Func<NpgsqlDataSource> _dataSource;
    private readonly IBacklogProbe _probe;
    private readonly TimeProvider _time;
    private volatile BacklogSnapshot? _latest;

    public BacklogMonitor(OutboxDataSource dataSource, IBacklogProbe probe, IOptions<OutboxOptions> options, TimeProvider time)
        : this(() => dataSource.DataSource, probe, options.Value.Schema, time)
    {
    }

    internal BacklogMonitor(Func<NpgsqlDataSource> dataSource, IBacklogProbe probe, string schema, TimeProvider time)
    {
        _dataSource = dataSource;
        _probe = probe;
        _time = time;
        Schema = schema;
        OutboxTelemetry.Instrumentation.Register(this);
    }

    public string Schema { get; }

    /// <summary>The last successful measurement, or null before the first.</summary>
    public BacklogSnapshot? Latest => _latest;

    /// <summary>Measures now; throws when the database cannot be reached.</summary>
    public async Task<BacklogSnapshot> MeasureAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource().OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var (count, age) = await _probe.MeasureAsync(connection, cancellationToken).ConfigureAwait(false);
            var snapshot = new BacklogSnapshot(count, age, _time.GetUtcNow());
            _latest = snapshot;
            return snapshot;
        }
    }

    public void Dispose() => OutboxTelemetry.Instrumentation.Unregister(this);
}
