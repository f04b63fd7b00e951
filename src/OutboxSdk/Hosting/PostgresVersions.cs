using OutboxSdk.Internal;

namespace OutboxSdk.Hosting;

/// <summary>
/// The PostgreSQL versions the SDK supports, checked at startup, and the SQL that differs by version. One floor for both
/// relay modes, 14: the Replication relay needs pgoutput's protocol 2 (streamed transactions), binary values and logical
/// decoding messages (all 14+); the Notify relay's SQL would run on 12 (pg_partition_tree, default partitions, row
/// triggers on partitioned tables), but 12 and 13 are out of community support and were never tested, so they are
/// refused too rather than half supported. Tested on 15 only (docs/operations.md says what was tested where).
/// </summary>
internal static class PostgresVersions
{
    /// <summary>The oldest major version accepted.</summary>
    public const int Minimum = 14;

    /// <summary>The newest major version released when this SDK was built; newer ones are accepted (and logged).</summary>
    public const int NewestKnown = 18;

    /// <summary>The first major version with failover slots (<c>failover</c> of slot creation, slot synchronisation to standbys).</summary>
    public const int FailoverSlots = 17;

    /// <summary>Null when <paramref name="versionNum"/> (<c>server_version_num</c>, e.g. 150004) is supported, else the error.</summary>
    public static string? Problem(int versionNum, string version, RelayMode mode) => versionNum / 10000 >= Minimum ? null
        : $"PostgreSQL {version} is older than the outbox supports: it needs PostgreSQL {Minimum} or newer (in {mode} mode as in every mode; "
            + $"the Replication relay uses pgoutput protocol 2, binary values and logical decoding messages, all new in {Minimum}). "
            + $"Upgrade the server (pg_upgrade, or your provider's major-version upgrade) to {Minimum}-{NewestKnown}; see README.md, 'Supported PostgreSQL versions'.";

    /// <summary>
    /// The statement that creates a logical slot without a snapshot, and whether it asks for failover: the
    /// five-argument <c>pg_create_logical_replication_slot(name, plugin, temporary, twophase, failover)</c> on 17+ when
    /// <paramref name="failover"/> is wanted, else the two-argument form every supported version has.
    /// </summary>
    public static (string Sql, bool Failover) CreateSlotSql(int versionNum, bool failover) =>
        failover && versionNum / 10000 >= FailoverSlots
            ? ("SELECT lsn::text FROM pg_create_logical_replication_slot($1, 'pgoutput', false, false, true)", true)
            : ("SELECT lsn::text FROM pg_create_logical_replication_slot($1, 'pgoutput')", false);

    /// <summary>The server's <c>server_version_num</c> and <c>server_version</c>.</summary>
    public static async Task<(int Num, string Text)> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var num = Convert.ToInt32(await PgCommand.ScalarAsync(connection, "SELECT current_setting('server_version_num')::int", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        var text = (string)(await PgCommand.ScalarAsync(connection, "SELECT current_setting('server_version')", cancellationToken).ConfigureAwait(false))!;
        return (num, text);
    }

    /// <summary>Refuses to start on a server older than <see cref="Minimum"/>, saying what to do.</summary>
    /// <exception cref="InvalidOperationException">The server is too old.</exception>
    public static async Task RequireAsync(NpgsqlDataSource dataSource, RelayMode mode, ILogger logger, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var (num, text) = await ReadAsync(connection, cancellationToken).ConfigureAwait(false);
            TopologyLog.ServerVersion(logger, text, num, mode);
            if (Problem(num, text, mode) is { } problem)
            {
                throw new InvalidOperationException(problem);
            }
        }
    }
}
