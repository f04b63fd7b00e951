using System.Security.Cryptography;

namespace OutboxSdk.Migrations;

/// <summary>
/// Creates and upgrades the outbox's tables. Versions applied are recorded in <c>&lt;schema&gt;.migrations</c>;
/// the pending ones run in one transaction under a transaction-level advisory lock keyed by the schema name, so
/// any number of instances may start at once: the first applies, the others wait and then find nothing to do.
/// Used at startup (<c>OutboxOptions.ApplyMigrations</c>) and by <c>outbox migrate</c>.
/// </summary>
internal sealed class OutboxMigrator
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;

    /// <summary>Creates a migrator for the outbox tables in <paramref name="schema"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="schema"/> is not a valid identifier.</exception>
    public OutboxMigrator(NpgsqlDataSource dataSource, string schema = OutboxSchema.DefaultSchema, ILogger<OutboxMigrator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _ = OutboxSchema.QuoteIdentifier(schema);
        _dataSource = dataSource;
        Schema = schema;
        _logger = logger ?? NullLogger<OutboxMigrator>.Instance;
    }

    /// <summary>The schema of the outbox tables.</summary>
    public string Schema { get; }

    /// <summary>The highest migration version this SDK knows.</summary>
    public static int LatestVersion => OutboxMigrations.Latest;

    /// <summary>Applies every pending migration in one transaction; safe to call concurrently and repeatedly.</summary>
    public async Task<OutboxMigrationResult> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await LockAsync(transaction, Schema, cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(transaction, OutboxMigrations.PreambleSql(Schema), cancellationToken).ConfigureAwait(false);
                var applied = await ReadAppliedAsync(transaction, cancellationToken).ConfigureAwait(false);
                var now = new List<int>();
                foreach (var migration in OutboxMigrations.All)
                {
                    if (applied.Contains(migration.Version))
                    {
                        continue;
                    }

                    await ExecuteAsync(transaction, migration.Sql(Schema), cancellationToken).ConfigureAwait(false);
                    var record = new NpgsqlCommand($"INSERT INTO {OutboxMigrations.MigrationsTable(Schema)} (\"version\", \"description\") VALUES ($1, $2)", transaction.Connection, transaction)
                    {
                        Parameters = { new() { Value = migration.Version }, new() { Value = migration.Description } },
                    };
                    await using (record.ConfigureAwait(false))
                    {
                        await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    now.Add(migration.Version);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                foreach (var applying in now)
                {
                    MigrationLog.Applied(_logger, applying, OutboxMigrations.All.First(m => m.Version == applying).Description, Schema);
                }

                var version = Math.Max(applied.Count == 0 ? 0 : applied.Max(), now.Count == 0 ? 0 : now[^1]);
                if (now.Count == 0)
                {
                    MigrationLog.UpToDate(_logger, Schema, version);
                }

                if (version > LatestVersion)
                {
                    MigrationLog.NewerDatabase(_logger, Schema, version, LatestVersion);
                }

                return new OutboxMigrationResult(now, version);
            }
        }
    }

    /// <summary>The database's version: the highest applied migration, 0 when the outbox tables do not exist.</summary>
    public async Task<int> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        var table = OutboxMigrations.MigrationsTable(Schema);
        var exists = _dataSource.CreateCommand("SELECT to_regclass($1) IS NOT NULL");
        await using (exists.ConfigureAwait(false))
        {
            exists.Parameters.Add(new() { Value = table });
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return 0;
            }
        }

        var read = _dataSource.CreateCommand($"SELECT coalesce(max(\"version\"), 0) FROM {table}");
        await using (read.ConfigureAwait(false))
        {
            return Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// The SQL of every migration for a DBA to review and apply (<c>outbox script</c>): one transaction under the
    /// same advisory lock, each migration guarded by the <c>migrations</c> table, so it is idempotent, can be run
    /// again after an upgrade, and mixes safely with migrations applied by the SDK itself.
    /// </summary>
    public static string Script(string schema = OutboxSchema.DefaultSchema)
    {
        var table = OutboxMigrations.MigrationsTable(schema);
        var sql = new StringBuilder();
        sql.Append(CultureInfo.InvariantCulture, $"-- OutboxSdk migrations 1..{LatestVersion} for schema {OutboxSchema.QuoteIdentifier(schema)}.\n");
        sql.Append("-- Idempotent: versions already recorded in the migrations table are skipped. Apply with psql -v ON_ERROR_STOP=1 -f <file>.\n");
        sql.Append("BEGIN;\n\n");
        sql.Append(CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock({LockKey(schema)});\n\n");
        sql.Append(OutboxMigrations.PreambleSql(schema)).Append("\n\n");
        foreach (var migration in OutboxMigrations.All)
        {
            // PL/pgSQL runs DDL as static statements, so the body is the migration's SQL as it is, not a string.
            sql.Append(CultureInfo.InvariantCulture, $"-- version {migration.Version}: {migration.Description}\n");
            sql.Append("DO $outbox_migration$\nBEGIN\n");
            sql.Append(CultureInfo.InvariantCulture, $"IF NOT EXISTS (SELECT FROM {table} WHERE \"version\" = {migration.Version}) THEN\n\n");
            sql.Append(migration.Sql(schema).TrimEnd()).Append("\n\n");
            sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO {table} (\"version\", \"description\") VALUES ({migration.Version}, {OutboxSchema.QuoteLiteral(migration.Description)});\n");
            sql.Append("END IF;\nEND\n$outbox_migration$;\n\n");
        }

        sql.Append("COMMIT;\n");
        return sql.ToString();
    }

    /// <summary>
    /// The advisory lock key of <paramref name="schema"/>'s migrations: the first 8 bytes of a SHA-256 of the name,
    /// stable across processes and SDK versions (the script embeds it), distinct per schema.
    /// </summary>
    public static long LockKey(string schema) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("OutboxSdk.migrations/" + schema)));

    /// <summary>Takes the schema's advisory lock for the rest of <paramref name="transaction"/>.</summary>
    internal static async Task LockAsync(NpgsqlTransaction transaction, string schema, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", transaction.Connection, transaction)
        {
            Parameters = { new() { Value = LockKey(schema) } },
        };
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, transaction.Connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HashSet<int>> ReadAppliedAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var versions = new HashSet<int>();
        var command = new NpgsqlCommand($"SELECT \"version\" FROM {OutboxMigrations.MigrationsTable(Schema)}", transaction.Connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    versions.Add(reader.GetInt32(0));
                }
            }
        }

        return versions;
    }
}
