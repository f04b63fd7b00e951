namespace OutboxSdk.DeadLetters;

/// <summary>
/// <see cref="IDeadLetters"/> over the <c>dead_letters</c> table of one outbox schema. Resolve it from DI
/// (<c>AddOutbox</c> registers it) or create one for tools such as the <c>outbox</c> CLI.
/// </summary>
internal sealed class DeadLetterStore : IDeadLetters
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _list;
    private readonly string _replay;
    private readonly string _discard;
    private readonly string _listMatching;
    private readonly string _replayMatching;
    private readonly string _discardMatching;
    private readonly string _channel;

    // A filter's criteria as parameters $1..$5; an unset one (null) holds for every row.
    private const string Matching = """
        ($1::text IS NULL OR "subject" = $1) AND ($2::text IS NULL OR "handler" = $2)
        AND ($3::timestamptz IS NULL OR "failed_at" >= $3) AND ($4::timestamptz IS NULL OR "failed_at" < $4)
        AND ($5::text IS NULL OR strpos("error", $5) > 0)
        """;

    /// <summary>A store for the outbox in <paramref name="schema"/>, notifying <paramref name="notifyChannel"/> on replay (default <c>outbox_&lt;schema&gt;</c>).</summary>
    public DeadLetterStore(NpgsqlDataSource dataSource, string schema = OutboxSchema.DefaultSchema, string? notifyChannel = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var s = OutboxSchema.QuoteIdentifier(schema);
        _dataSource = dataSource;
        _channel = notifyChannel ?? "outbox_" + schema;
        _list = $"""
            SELECT "id", "message_id", "source", "subject", "partition_key", "handler", "attempts", "error", "created_at", "failed_at"
            FROM {s}."dead_letters" WHERE "id" > $1 ORDER BY "id" LIMIT $2
            """;

        // Deleting first and inserting from what was deleted makes replay one statement: a dead letter is either
        // still there or back in the outbox, never both, even when two operators replay it at once.
        _replay = ReplaySql(s, "\"id\" = $1", "$2");
        _discard = $"""DELETE FROM {s}."dead_letters" WHERE "id" = $1""";
        _listMatching = $"""
            SELECT "id", "message_id", "source", "subject", "partition_key", "handler", "attempts", "error", "created_at", "failed_at"
            FROM {s}."dead_letters" WHERE {Matching} AND "id" > $6 ORDER BY "id" LIMIT $7
            """;
        _replayMatching = ReplaySql(s, Matching, "$6");
        _discardMatching = $"""DELETE FROM {s}."dead_letters" WHERE {Matching}""";
        ExistsSql = $"""SELECT "payload" IS NOT NULL AND "schema_fingerprint" IS NOT NULL FROM {s}."dead_letters" WHERE "id" = $1""";
    }

    private string ExistsSql { get; }

    // Replays the dead letters `where` selects, in id order (so each key's messages go back in the order they failed),
    // notifying `channel` when any went back; returns how many.
    private static string ReplaySql(string schema, string where, string channel) => $"""
        WITH gone AS (DELETE FROM {schema}."dead_letters" WHERE {where} AND "payload" IS NOT NULL AND "schema_fingerprint" IS NOT NULL RETURNING *),
        sent AS (
            INSERT INTO {schema}."messages" ("message_id", "subject", "partition_key", "schema_fingerprint", "payload", "headers")
            SELECT COALESCE("message_id", gen_random_uuid()), "subject", "partition_key", "schema_fingerprint", "payload", "headers" FROM gone ORDER BY "id"
            RETURNING "id")
        SELECT count(*)::int, CASE WHEN count(*) > 0 THEN pg_notify({channel}, '') END FROM sent
        """;

    /// <inheritdoc />
    public Task<IReadOnlyList<DeadLetter>> ListAsync(long afterId = 0, int limit = 50, CancellationToken cancellationToken = default) =>
        ReadAsync(_list, [afterId, limit], limit, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeadLetter>> ListMatchingAsync(DeadLetterFilter filter, long afterId = 0, int limit = 50, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ReadAsync(_listMatching, [.. Criteria(filter), afterId, limit], limit, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<int> ReplayMatchingAsync(DeadLetterFilter filter, CancellationToken cancellationToken = default)
    {
        var command = _dataSource.CreateCommand(_replayMatching);
        await using (command.ConfigureAwait(false))
        {
            AddParameters(command, [.. Criteria(Bulk(filter)), _channel]);
            return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    /// <inheritdoc />
    public async Task<int> DiscardMatchingAsync(DeadLetterFilter filter, CancellationToken cancellationToken = default)
    {
        var command = _dataSource.CreateCommand(_discardMatching);
        await using (command.ConfigureAwait(false))
        {
            AddParameters(command, Criteria(Bulk(filter)));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static DeadLetterFilter Bulk(DeadLetterFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return filter.IsEmpty
            ? throw new ArgumentException("The filter sets no criterion, so it would match every dead letter: set Subject, Handler, FailedFrom, FailedUntil or ErrorContains, or pass DeadLetterFilter.All to mean all of them.", nameof(filter))
            : filter;
    }

    // An empty text is no criterion (IsEmpty agrees); times go as UTC, which timestamptz parameters require.
    private static object?[] Criteria(DeadLetterFilter filter) =>
        [NullIfEmpty(filter.Subject), NullIfEmpty(filter.Handler), filter.FailedFrom?.ToUniversalTime(), filter.FailedUntil?.ToUniversalTime(), NullIfEmpty(filter.ErrorContains)];

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static void AddParameters(NpgsqlCommand command, object?[] values)
    {
        foreach (var value in values)
        {
            // Typed by the statement's casts; an unset criterion goes as NULL.
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
    }

    private async Task<IReadOnlyList<DeadLetter>> ReadAsync(string sql, object?[] parameters, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var command = _dataSource.CreateCommand(sql);
        await using (command.ConfigureAwait(false))
        {
            AddParameters(command, parameters);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var letters = new List<DeadLetter>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    letters.Add(new DeadLetter(
                        reader.GetInt64(0),
                        reader.IsDBNull(1) ? null : reader.GetGuid(1),
                        reader.GetString(2),
                        reader.GetString(3),
                        reader.IsDBNull(4) ? null : reader.GetString(4),
                        reader.IsDBNull(5) ? null : reader.GetString(5),
                        reader.GetInt32(6),
                        reader.GetString(7),
                        reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
                        reader.GetFieldValue<DateTimeOffset>(9)));
                }

                return letters;
            }
        }
    }

    /// <inheritdoc />
    public async Task<bool> ReplayAsync(long id, CancellationToken cancellationToken = default)
    {
        var command = _dataSource.CreateCommand(_replay);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            command.Parameters.Add(new NpgsqlParameter { Value = _channel });
            var replayed = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            if (replayed > 0)
            {
                return true;
            }
        }

        // Nothing was replayed: say whether the dead letter is missing or cannot be replayed.
        var check = _dataSource.CreateCommand(ExistsSql);
        await using (check.ConfigureAwait(false))
        {
            check.Parameters.Add(new NpgsqlParameter { Value = id });
            var replayable = await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return replayable is false
                ? throw new InvalidOperationException($"dead letter {id} has no payload or schema fingerprint to send again")
                : false;
        }
    }

    /// <inheritdoc />
    public async Task<bool> DiscardAsync(long id, CancellationToken cancellationToken = default)
    {
        var command = _dataSource.CreateCommand(_discard);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }
    }
}
