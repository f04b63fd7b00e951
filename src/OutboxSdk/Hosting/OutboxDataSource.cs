namespace OutboxSdk.Hosting;

/// <summary>
/// The data source the SDK uses, resolved once: <see cref="OutboxOptions.DataSource"/>, else an
/// <see cref="NpgsqlDataSource"/> registered in DI, else one built from <see cref="OutboxOptions.ConnectionString"/>.
/// Only the last is owned, and disposed, by the SDK: the others belong to whoever made them.
/// </summary>
internal sealed class OutboxDataSource : IAsyncDisposable, IDisposable
{
    private readonly bool _owned;

    public OutboxDataSource(IOptions<OutboxOptions> options, IServiceProvider services)
    {
        var value = options.Value;
        if (value.DataSource is { } given)
        {
            DataSource = given;
        }
        else if (services.GetService<NpgsqlDataSource>() is { } registered)
        {
            DataSource = registered;
        }
        else if (!string.IsNullOrWhiteSpace(value.ConnectionString))
        {
            DataSource = NpgsqlDataSource.Create(value.ConnectionString);
            _owned = true;
        }
        else
        {
            // Startup validation reports this first; reached only when the host skipped validation.
            throw new InvalidOperationException("OutboxOptions: no database is configured. Set OutboxOptions.ConnectionString or OutboxOptions.DataSource, or register an NpgsqlDataSource in DI.");
        }
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Whether the SDK made <see cref="DataSource"/> (from the connection string) rather than the application.</summary>
    public bool OwnsDataSource => _owned;

    public ValueTask DisposeAsync() => _owned ? DataSource.DisposeAsync() : ValueTask.CompletedTask;

    public void Dispose()
    {
        if (_owned)
        {
            DataSource.Dispose();
        }
    }
}
