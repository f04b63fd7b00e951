using Microsoft.Extensions.Options;
using Npgsql;
using OutboxSdk.Hosting;

namespace OutboxSdk.Observability;

/// <summary>
/// The data source for the health check, the backlog sampler and retention, chosen as <see cref="OutboxOptions"/>
/// documents: the options' own, else one from DI, else one built from the connection string (owned and disposed
/// here). The writer and relay resolve theirs the same way; when core adds a shared resolver, this one goes.
/// </summary>
internal sealed class OutboxDataSourceProvider(IOptions<OutboxOptions> options, IServiceProvider services) : IAsyncDisposable
{
    private readonly Lazy<(NpgsqlDataSource DataSource, bool Owned)> _dataSource = new(() => Resolve(options.Value, services));

    public NpgsqlDataSource DataSource => _dataSource.Value.DataSource;

    public async ValueTask DisposeAsync()
    {
        if (_dataSource.IsValueCreated && _dataSource.Value.Owned)
        {
            await _dataSource.Value.DataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static (NpgsqlDataSource, bool) Resolve(OutboxOptions options, IServiceProvider services)
    {
        if (options.DataSource is { } own)
        {
            return (own, false);
        }

        if (services.GetService(typeof(NpgsqlDataSource)) is NpgsqlDataSource registered)
        {
            return (registered, false);
        }

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return (NpgsqlDataSource.Create(options.ConnectionString), true);
        }

        throw new InvalidOperationException("OutboxOptions needs a database: set DataSource or ConnectionString, or register an NpgsqlDataSource.");
    }
}
