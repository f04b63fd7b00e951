using OutboxSdk.Sources.Wal;

namespace OutboxSdk.Operations;

/// <summary>A sample of the outbox's slot, with the time lag estimated from earlier samples.</summary>
internal sealed record SlotSample(ReplicationSlotInfo Slot, double LagSeconds, DateTimeOffset At);

/// <summary>
/// Measures the outbox's own slot (on a pooled connection of the data source, never the replication stream) and keeps
/// the latest sample for the gauges and the health check; logs once when the retained WAL crosses
/// <see cref="ReplicationOptions.RetainedWalWarningBytes"/> and once when it falls back.
/// <para>
/// The time lag is how long ago the WAL's head was where the slot's confirmed position is now: each sample records
/// (time, <c>pg_current_wal_lsn()</c>), and the lag is the time since the last sample whose head the slot has since
/// confirmed. It needs no decoding and stays small on an idle outbox whose heartbeat moves the slot, unlike the age of
/// the last processed commit, which grows while nothing is written.
/// </para>
/// </summary>
internal sealed class SlotMonitor : IDisposable
{
    private const int MaxHistory = 512;
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Queue<(DateTimeOffset At, ulong Head)> _history = new();
    private readonly Lock _gate = new();
    private volatile SlotSample? _latest;
    private bool _aboveThreshold;

    private readonly ReplicationNaming _naming;

    public SlotMonitor(OutboxDataSource dataSource, IOptions<OutboxOptions> options, ReplicationNaming naming, TimeProvider time, ILoggerFactory? loggers = null)
        : this(dataSource.DataSource, options.Value, naming, time, (loggers ?? NullLoggerFactory.Instance).CreateLogger("OutboxSdk.Replication.Slot"))
    {
    }

    internal SlotMonitor(NpgsqlDataSource dataSource, OutboxOptions options, ReplicationNaming naming, TimeProvider time, ILogger logger)
    {
        _dataSource = dataSource;
        _time = time;
        _logger = logger;
        _naming = naming;
        Schema = options.Schema;
        Options = options.Replication;
        Enabled = options.RelayMode == RelayMode.Replication;
        SlotInstrumentation.Register(this);
    }

    public string Schema { get; }

    /// <summary>The slot's name; "?" until startup resolved it (<see cref="ReplicationNaming"/>).</summary>
    public string Slot => _naming.Resolved?.Slot ?? "?";

    public ReplicationOptions Options { get; }

    /// <summary>Whether this outbox uses a slot at all (Replication mode).</summary>
    public bool Enabled { get; }

    /// <summary>The last successful sample, or null before the first.</summary>
    public SlotSample? Latest => _latest;

    public ILogger Logger => _logger;

    /// <summary>Samples the slot now; throws when the database cannot be reached.</summary>
    public async Task<SlotSample> MeasureAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var slot = (await _naming.ResolveAsync(connection, cancellationToken).ConfigureAwait(false)).Slot;
            var info = await ReplicationSlots.ReadOneAsync(connection, slot, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            var lag = 0d;
            if (info is { LagBytes: > 0, ConfirmedFlushLsn: { } confirmedText, RetainedWalBytes: not null } && NpgsqlTypes.NpgsqlLogSequenceNumber.TryParse(confirmedText, out var confirmed))
            {
                var head = (ulong)confirmed + (ulong)info.LagBytes.Value;
                lag = Track(now, head, (ulong)confirmed);
            }
            else if (info.LagBytes is not null && NpgsqlTypes.NpgsqlLogSequenceNumber.TryParse(info.ConfirmedFlushLsn ?? "", out var caughtUp))
            {
                Track(now, (ulong)caughtUp, (ulong)caughtUp);
            }

            var sample = new SlotSample(info, lag, now);
            _latest = sample;
            CheckThreshold(info);
            return sample;
        }
    }

    // Records the head and returns the time since the first recorded head the slot has not confirmed yet: WAL it
    // still owes existed then (a lower bound, exact to one sample interval). Heads it has confirmed are forgotten.
    private double Track(DateTimeOffset now, ulong head, ulong confirmed)
    {
        lock (_gate)
        {
            while (_history.Count > 0 && (_history.Peek().Head <= confirmed || _history.Count >= MaxHistory))
            {
                _history.Dequeue();
            }

            var since = _history.Count > 0 ? _history.Peek().At : now;
            if (head > confirmed)
            {
                _history.Enqueue((now, head));
            }

            return Math.Max(0, (now - since).TotalSeconds);
        }
    }

    private void CheckThreshold(ReplicationSlotInfo info)
    {
        var threshold = Options.RetainedWalWarningBytes;
        var retained = info.RetainedWalBytes ?? 0;
        var above = retained > threshold;
        if (above == _aboveThreshold)
        {
            return;
        }

        _aboveThreshold = above;
        if (above)
        {
            OperationsLog.RetainedWalHigh(_logger, Slot, retained, threshold, info.WalStatus, info.SafeWalSize?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited");
        }
        else
        {
            OperationsLog.RetainedWalNormal(_logger, Slot, retained, threshold);
        }
    }

    /// <summary>Whether the slot streamed for this outbox once (it has a row in replication_positions).</summary>
    public async Task<bool> HadSlotAsync(CancellationToken cancellationToken)
    {
        var positions = OutboxSdk.Schema.OutboxSchema.QuoteIdentifier(Schema) + ".\"replication_positions\"";
        var command = _dataSource.CreateCommand($"SELECT to_regclass($1) IS NOT NULL AND EXISTS (SELECT 1 FROM {positions} WHERE \"slot\" = $2)");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = positions });
            command.Parameters.Add(new NpgsqlParameter { Value = Slot });
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    public void Dispose() => SlotInstrumentation.Unregister(this);
}
