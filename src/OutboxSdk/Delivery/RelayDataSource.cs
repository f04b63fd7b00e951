namespace OutboxSdk.Delivery;

/// <summary>
/// The relay's connections: a pool of its own whenever the SDK makes the pools — from
/// <see cref="OutboxOptions.RelayConnectionString"/> (the application publishes through a transaction-mode pooler
/// such as PgBouncer, and the relay, which keeps session state, needs a direct or session-pooled connection), else,
/// in a process that runs the relay, from <see cref="OutboxOptions.ConnectionString"/> — and the application's <see cref="OutboxOptions.DataSource"/>
/// (or the one registered in DI) when it gave one, which the SDK cannot reconfigure. Its own pool has TCP keepalives
/// on unless the connection string sets them (a peer that vanished is noticed in seconds, not hours), and every
/// connection of it carries an application name unique to this process (<see cref="Tagged"/>), so that a standby taking over from this
/// relay after it went silent ends all of its sessions, its delivery transactions in flight too
/// (<see cref="SilentLeader"/>). The replication connections carry the same name.
/// </summary>
internal sealed class RelayDataSource : IAsyncDisposable, IDisposable
{
    /// <summary>What every relay's application name holds, before the process's id.</summary>
    public const string ApplicationNameMarker = "outbox-relay-";

    private readonly string _id = Guid.NewGuid().ToString("N")[..12];

    private readonly NpgsqlDataSource? _owned;

    public RelayDataSource(OutboxDataSource core, IOptions<OutboxOptions> options)
    {
        var value = options.Value;
        var own = value.RelayConnectionString is { Length: > 0 } relay ? relay
            : value.RunRelay && value.DataSource is null && core.OwnsDataSource ? value.ConnectionString
            : null;
        if (own is not null)
        {
            _owned = NpgsqlDataSource.Create(Tagged(own));
        }

        Value = _owned ?? core.DataSource;
        _probe = new TransactionPoolerProbe(Value);
    }

    private readonly TransactionPoolerProbe _probe;

    /// <summary>Throws <see cref="RelayConfigurationException"/> when these connections go through a transaction-mode pooler; probed once per process.</summary>
    public Task EnsureSessionPoolingAsync(CancellationToken cancellationToken) => _probe.EnsureSessionPoolingAsync(cancellationToken);

    public NpgsqlDataSource Value { get; }

    /// <summary>
    /// <paramref name="connectionString"/> with this relay process's application name — the one it gives, if any,
    /// then <c>#outbox-relay-&lt;random id&gt;</c>, within Postgres's 63 bytes — and TCP keepalives (first probe after
    /// 10 s idle, then every 2 s) unless it sets them.
    /// </summary>
    public string Tagged(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var suffix = "#" + ApplicationNameMarker + _id;
        builder.ApplicationName = Prefix(builder.ApplicationName ?? "", 63 - suffix.Length) + suffix;
        if (!builder.ContainsKey("Tcp Keepalive") && !builder.ContainsKey("Tcp Keepalive Time"))
        {
            builder.TcpKeepAlive = true;
            builder.TcpKeepAliveTime = 10;
            builder.TcpKeepAliveInterval = 2;
        }

        return builder.ConnectionString;
    }

    // The longest start of `text` within `bytes` UTF-8 bytes, whole characters only: Postgres cuts application_name at
    // 63 bytes, which must never cut into the process's id.
    private static string Prefix(string text, int bytes)
    {
        var length = 0;
        var used = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (used + rune.Utf8SequenceLength > bytes)
            {
                break;
            }

            used += rune.Utf8SequenceLength;
            length += rune.Utf16SequenceLength;
        }

        return text[..length];
    }

    public ValueTask DisposeAsync() => _owned?.DisposeAsync() ?? ValueTask.CompletedTask;

    public void Dispose() => _owned?.Dispose();
}
