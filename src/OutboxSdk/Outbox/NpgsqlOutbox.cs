using OutboxSdk.Avro.Serialization;
using OutboxSdk.Registration;

namespace OutboxSdk.Outbox;

/// <summary>
/// The <see cref="IOutbox"/> over Npgsql: each message becomes one row of <c>&lt;schema&gt;.messages</c> written on
/// the caller's connection inside the caller's transaction. The relay's enqueue trigger (migration 2) queues the row
/// and notifies the relay's channel with its id and key in that same transaction; Postgres delivers notifications
/// only on commit, so a rolled-back message neither exists nor wakes anybody. The writer sends no
/// <c>pg_notify</c> of its own: it would only add a statement per publish and a second notification per commit.
/// </summary>
internal sealed class NpgsqlOutbox : IOutbox
{
    private readonly OutboxTypeRegistry _types;
    private readonly string _insertSql;
    private readonly string _copySql;
    private readonly string? _lockKeysSql;
    private readonly LogicalMessageWriter? _logicalMessages;

    /// <summary>Creates the writer for the registered <paramref name="types"/> and the tables and channel of <paramref name="options"/>.</summary>
    public NpgsqlOutbox(OutboxTypeRegistry types, IOptions<OutboxOptions> options)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(options);
        _types = types;
        var table = OutboxSchema.QuoteIdentifier(options.Value.Schema) + ".\"messages\"";
        const string columns = "(\"message_id\", \"subject\", \"partition_key\", \"schema_fingerprint\", \"payload\", \"headers\")";
        _insertSql = $"INSERT INTO {table} {columns} VALUES ($1, $2, $3, $4, $5, $6)";
        _copySql = $"COPY {table} {columns} FROM STDIN (FORMAT BINARY)";
        if (options.Value.SerializeWritersPerKey && options.Value.RelayMode == RelayMode.Notify)
        {
            // Writers of one key take turns (a transaction-level lock per key, taken in the same statement as the
            // insert, so no extra round trip): a key's ids are then in commit order, which is the order the Notify relay
            // delivers in, live or catching up. Replication mode streams in commit order already. Keys are locked in
            // sorted order within a batch so two batches cannot deadlock each other.
            var lockKey = $"hashtextextended({OutboxSchema.QuoteLiteral("outbox key " + options.Value.Schema + ":")} || k, 0)";
            _insertSql = $"WITH turn AS (SELECT pg_advisory_xact_lock({lockKey.Replace(" || k", " || $3", StringComparison.Ordinal)}) WHERE $3 IS NOT NULL) "
                + $"INSERT INTO {table} {columns} SELECT $1, $2, $3, $4, $5, $6 FROM (SELECT count(*) FROM turn) t";
            _lockKeysSql = $"SELECT count(pg_advisory_xact_lock({lockKey})) FROM (SELECT DISTINCT k FROM unnest($1::text[]) k WHERE k IS NOT NULL ORDER BY k) keys";
        }

        if (options.Value.Replication.WriteMode == OutboxWriteMode.LogicalMessage)
        {
            _logicalMessages = new LogicalMessageWriter(OutboxSdk.Sources.Wal.ReplicationNames.MessagePrefixOf(options.Value));
        }
    }

    /// <inheritdoc />
    public async Task PublishAsync<T>(T message, NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
        where T : IAvroSerializable<T>
    {
        ArgumentNullException.ThrowIfNull(message);
        RefuseAmbientTransaction();
        var type = TypeOf<T>();
        if (_logicalMessages is not null)
        {
            await _logicalMessages.PublishAsync(type, message, transaction, cancellationToken).ConfigureAwait(false);
            return;
        }

        var messageId = Guid.CreateVersion7();
        var payload = new ArrayBufferWriter<byte>(256);
        AvroSerializer.SerializeSingleObject(message, payload);

        // The producer span is current while the headers are written, so the stored traceparent is this span's:
        // the relay's consumer span continues the publisher's trace from it.
        using var span = OutboxTelemetry.Instrumentation.StartPublish(type.Subject, messageId, out _);

        var insert = CommandIn(transaction, _insertSql);
        await using (insert.ConfigureAwait(false))
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = messageId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = type.Subject });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)type.PartitionKeyOf(message) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = type.Fingerprint });
            insert.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = payload.WrittenMemory, NpgsqlDbType = NpgsqlDbType.Bytea });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = OutboxHeaders.Create(messageId), NpgsqlDbType = NpgsqlDbType.Jsonb });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        OutboxTelemetry.Instrumentation.Published(type.Subject);
    }

    /// <inheritdoc />
    public async Task PublishBatchAsync<T>(IReadOnlyCollection<T> messages, NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
        where T : IAvroSerializable<T>
    {
        ArgumentNullException.ThrowIfNull(messages);
        RefuseAmbientTransaction();
        if (messages.Any(static m => m is null))
        {
            // Checked before the COPY starts: failing inside it would abort the caller's transaction.
            throw new ArgumentException("The batch contains a null message.", nameof(messages));
        }

        var type = TypeOf<T>();
        if (_logicalMessages is not null)
        {
            await _logicalMessages.PublishBatchAsync(type, messages, transaction, cancellationToken).ConfigureAwait(false);
            return;
        }

        NpgsqlConnection connection;
        var check = CommandIn(transaction, _copySql); // the transaction must be open: a COPY after its end would autocommit
        await using (check.ConfigureAwait(false))
        {
            connection = check.Connection!;
        }

        if (messages.Count == 0)
        {
            return;
        }

        if (_lockKeysSql is not null)
        {
            var turn = CommandIn(transaction, _lockKeysSql);
            await using (turn.ConfigureAwait(false))
            {
                turn.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. messages.Select(m => type.PartitionKeyOf(m))], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                await turn.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await CopyAsync(type, messages, connection, cancellationToken).ConfigureAwait(false);
    }

    // Rows get their ids in the order they are copied, so the relay sees them in the collection's order.
    private async Task CopyAsync<T>(OutboxMessageType type, IReadOnlyCollection<T> messages, NpgsqlConnection connection, CancellationToken cancellationToken)
        where T : IAvroSerializable<T>
    {
        var payload = new ArrayBufferWriter<byte>(256);
        var importer = await connection.BeginBinaryImportAsync(_copySql, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var message in messages)
            {
                var messageId = Guid.CreateVersion7();
                payload.ResetWrittenCount();
                AvroSerializer.SerializeSingleObject(message, payload);
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(messageId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(type.Subject, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                if (type.PartitionKeyOf(message) is { } key)
                {
                    await importer.WriteAsync(key, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await importer.WriteAsync(type.Fingerprint, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(payload.WrittenMemory, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(OutboxHeaders.Create(messageId), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        OutboxTelemetry.Instrumentation.Published(type.Subject, messages.Count);
    }

    /// <summary>
    /// A <c>TransactionScope</c> is refused rather than half-supported: a connection enlisted in one has no
    /// <see cref="NpgsqlTransaction"/> of its own, and one that is not enlisted would commit the message apart from the
    /// scope's work — the very atomicity the outbox exists for (docs/dapper.md, "TransactionScope").
    /// </summary>
    internal static void RefuseAmbientTransaction()
    {
        if (System.Transactions.Transaction.Current is not null)
        {
            throw new NotSupportedException(
                "IOutbox cannot publish inside a TransactionScope (System.Transactions): the message would not commit atomically with the scope's work. " +
                "Use an NpgsqlTransaction instead: `await using var tx = await connection.BeginTransactionAsync();`, do your writes (Dapper: pass `transaction: tx`; " +
                "EF Core: `db.Database.BeginTransactionAsync()` or SaveChanges), publish with `outbox.PublishAsync(message, tx)` and `await tx.CommitAsync()`, " +
                "outside any TransactionScope.");
        }
    }

    private OutboxMessageType TypeOf<T>() => _types.FindMessage(typeof(T)) ?? throw NotRegistered(typeof(T), _types.FindEntity(typeof(T)) is not null);

    // Checked before anything is written: a COPY on a connection whose transaction has ended would autocommit.
    private static NpgsqlCommand CommandIn(NpgsqlTransaction transaction, string sql)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        try
        {
            return new NpgsqlCommand(sql, transaction.Connection ?? throw new InvalidOperationException("no connection"), transaction);
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException("The transaction has already been committed or rolled back: publish inside an open transaction.", nameof(transaction), e);
        }
    }

    private static InvalidOperationException NotRegistered(Type type, bool isEntity)
    {
        if (isEntity)
        {
            // A [ChangeFeed] entity is serializable too, so it compiles (analyzer OBX1051 says so at build time).
            return new InvalidOperationException(
                $"{type.FullName} is a [ChangeFeed] entity: its row changes are delivered from its table as Change<{type.Name}>, it is not published. " +
                "Write the row in your transaction instead, or publish an [OutboxMessage] type that describes what happened.");
        }

        var assembly = type.Assembly.GetName().Name ?? "";
        return new InvalidOperationException(
            $"{type.FullName} is not a registered outbox message. Mark it [OutboxMessage(\"subject\")] and register its assembly's types with the generated " +
            $"services.Add{RegistrationName(assembly)}OutboxTypes() (namespace OutboxSdk.Generated) next to services.AddOutbox(...).");
    }

    // The generator's naming: characters that cannot be in an identifier split the name, each part capitalised.
    private static string RegistrationName(string assembly)
    {
        var name = new System.Text.StringBuilder(assembly.Length);
        var capitalise = true;
        foreach (var c in assembly)
        {
            if (!char.IsLetterOrDigit(c) && c != '_')
            {
                capitalise = true;
                continue;
            }

            name.Append(capitalise ? char.ToUpperInvariant(c) : c);
            capitalise = false;
        }

        if (name.Length == 0 || char.IsDigit(name[0]))
        {
            name.Insert(0, '_');
        }

        return name.ToString();
    }
}
