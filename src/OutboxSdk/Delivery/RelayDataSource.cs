namespace OutboxSdk.Delivery;

/// <summary>
/// The relay's view of the core's <see cref="OutboxDataSource"/>: the same pool the writer, migrations and
/// observability use, so a connection-string-only configuration opens one pool, owned and disposed by the core.
/// </summary>
internal sealed class RelayDataSource(OutboxDataSource core)
{
    public NpgsqlDataSource Value => core.DataSource;
}
