using Npgsql.Replication;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// Opens the Replication relay's <see cref="LogicalReplicationConnection"/>s. Npgsql 10 builds those from a
/// connection string only, never from an <see cref="NpgsqlDataSource"/> (npgsql/npgsql#5692), so what the
/// application configured on its data source does not reach them by itself: the password comes from
/// <see cref="ReplicationOptions.PasswordProvider"/> when set, asked before every open as the data source asks its
/// own provider, and TLS from the connection string's keywords (SSL Mode, Root Certificate, SSL Certificate, ...).
/// </summary>
internal sealed class ReplicationConnectionFactory(string connectionString, Func<NpgsqlConnectionStringBuilder, CancellationToken, ValueTask<string>>? passwordProvider)
{
    /// <summary>An open replication connection; <paramref name="readBufferSize"/> raises Npgsql's read buffer when larger.</summary>
    public async Task<LogicalReplicationConnection> OpenAsync(CancellationToken cancellationToken, int readBufferSize = 0)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.ReadBufferSize = Math.Max(readBufferSize, builder.ReadBufferSize);
        if (passwordProvider is not null)
        {
            builder.Password = await passwordProvider(builder, cancellationToken).ConfigureAwait(false);
        }

        var connection = new LogicalReplicationConnection(builder.ConnectionString);
        try
        {
            await connection.Open(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (NpgsqlException e) when (builder.Password is null && e is not PostgresException && e.Message.Contains("No password has been provided", StringComparison.Ordinal))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                "The Replication relay's connection has no password, and the server asks for one. Npgsql opens replication connections from a connection string, "
                + "not from the data source, so a password provider set on the NpgsqlDataSource does not reach it: set OutboxOptions.Replication.PasswordProvider "
                + "(the same provider), or OutboxOptions.Replication.ConnectionString (docs/security.md).", e);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
