using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using OutboxSdk.Hosting;

namespace OutboxSdk.Relay;

/// <summary>
/// The data source the relay uses: <see cref="OutboxOptions.DataSource"/>, else one from DI, else one built from
/// <see cref="OutboxOptions.ConnectionString"/> (owned, and disposed, here).
/// </summary>
internal sealed class RelayDataSource : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _owned;

    public RelayDataSource(IOptions<OutboxOptions> options, IServiceProvider services)
    {
        var o = options.Value;
        var source = o.DataSource ?? services.GetService<NpgsqlDataSource>();
        if (source is null)
        {
            if (string.IsNullOrEmpty(o.ConnectionString))
            {
                throw new InvalidOperationException("The outbox needs a database: set OutboxOptions.DataSource or ConnectionString, or register an NpgsqlDataSource.");
            }

            source = _owned = NpgsqlDataSource.Create(o.ConnectionString);
        }

        Value = source;
    }

    public NpgsqlDataSource Value { get; }

    public ValueTask DisposeAsync() => _owned?.DisposeAsync() ?? ValueTask.CompletedTask;
}
