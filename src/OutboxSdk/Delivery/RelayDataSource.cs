namespace OutboxSdk.Delivery;

/// <summary>
/// The relay's connections. By default the core's <see cref="OutboxDataSource"/>: the same pool the writer, migrations
/// and observability use, so a connection-string-only configuration opens one pool. With
/// <see cref="OutboxOptions.RelayConnectionString"/> set — the application publishes through a transaction-mode pooler
/// such as PgBouncer, and the relay, which keeps session state (its leader lock, LISTEN, prepared statements), needs a
/// direct or session-pooled connection — a pool of its own, owned and disposed here, with TCP keepalives on unless the
/// connection string sets them, so a connection whose peer vanished is noticed in seconds rather than hours.
/// </summary>
internal sealed class RelayDataSource : IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource? _owned;

    public RelayDataSource(OutboxDataSource core, IOptions<OutboxOptions> options)
    {
        if (options.Value.RelayConnectionString is { Length: > 0 } relay)
        {
            _owned = NpgsqlDataSource.Create(WithKeepalives(relay));
        }

        Value = _owned ?? core.DataSource;
    }

    public NpgsqlDataSource Value { get; }

    /// <summary><paramref name="connectionString"/> with TCP keepalives (first probe after 10 s idle, then every 2 s) unless it sets them.</summary>
    public static string WithKeepalives(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!builder.ContainsKey("Tcp Keepalive") && !builder.ContainsKey("Tcp Keepalive Time"))
        {
            builder.TcpKeepAlive = true;
            builder.TcpKeepAliveTime = 10;
            builder.TcpKeepAliveInterval = 2;
        }

        return builder.ConnectionString;
    }

    public ValueTask DisposeAsync() => _owned?.DisposeAsync() ?? ValueTask.CompletedTask;

    public void Dispose() => _owned?.Dispose();
}
