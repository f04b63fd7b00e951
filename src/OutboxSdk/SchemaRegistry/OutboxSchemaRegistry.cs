using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OutboxSdk.Avro;
using OutboxSdk.Avro.Framing;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Schema;
using OutboxSdk.Migrations;
using OutboxSdk.Registration;
using OutboxSdk.Schema;

namespace OutboxSdk.SchemaRegistry;

/// <summary>
/// Writer schemas by fingerprint, and decoding of stored payloads into the CLR types of their subjects. A
/// fingerprint is looked up first among the generated types, then in the outbox's <c>schemas</c> table (rows are
/// immutable, so a schema found there is cached for good). Payloads written with the generated type's own schema
/// take the generated decoder directly; older or newer versions are resolved to it per the Avro spec.
/// </summary>
public sealed class OutboxSchemaRegistry
{
    private readonly OutboxTypeRegistry _types;
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly string _findSql;
    private readonly Dictionary<long, OutboxMessageType> _generated = [];
    private readonly ConcurrentDictionary<long, AvroSchema> _schemas = new();
    private readonly ConcurrentDictionary<Type, AvroSchema> _readerSchemas = new();
    private readonly ConcurrentDictionary<(Type Reader, long Writer), GenericDatumReader> _resolvers = new();

    /// <summary>Creates a registry over the generated <paramref name="types"/> and the <c>schemas</c> table in <paramref name="schema"/>.</summary>
    public OutboxSchemaRegistry(OutboxTypeRegistry types, NpgsqlDataSource dataSource, string schema = OutboxSchema.DefaultSchema, ILogger<OutboxSchemaRegistry>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(dataSource);
        _types = types;
        _dataSource = dataSource;
        Schema = schema;
        _logger = logger ?? NullLogger<OutboxSchemaRegistry>.Instance;
        _findSql = $"SELECT \"schema_json\" FROM {OutboxSchema.QuoteIdentifier(schema)}.\"schemas\" WHERE \"fingerprint\" = $1";
        foreach (var message in types.Messages)
        {
            _generated.TryAdd(message.Fingerprint, message);
        }
    }

    /// <summary>The schema of the outbox tables.</summary>
    public string Schema { get; }

    /// <summary>
    /// The writer schema with <paramref name="fingerprint"/>: a generated type's, else the <c>schemas</c> table's;
    /// null when neither knows it. A row whose schema does not hash to its fingerprint is an <see cref="OutboxDecodeException"/>.
    /// </summary>
    public async Task<AvroSchema?> FindAsync(long fingerprint, CancellationToken cancellationToken = default)
    {
        if (_schemas.TryGetValue(fingerprint, out var cached))
        {
            return cached;
        }

        if (_generated.TryGetValue(fingerprint, out var type))
        {
            return _schemas.GetOrAdd(fingerprint, AvroSchema.Parse(type.SchemaJson));
        }

        // Misses are not cached: a publisher of a newer version registers its schema before it writes with it.
        var command = _dataSource.CreateCommand(_findSql);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new() { Value = fingerprint });
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string json)
            {
                return null;
            }

            var schema = AvroSchema.Parse(json);
            if (schema.Fingerprint64 != fingerprint)
            {
                throw new OutboxDecodeException($"The schema registered in {Schema}.schemas under fingerprint {fingerprint} has fingerprint {schema.Fingerprint64}: the row was altered by hand.", null, fingerprint);
            }

            return _schemas.GetOrAdd(fingerprint, schema);
        }
    }

    /// <summary>
    /// Decodes a stored payload (Avro single-object encoding) into the registered CLR type of <paramref name="subject"/>.
    /// </summary>
    /// <exception cref="OutboxDecodeException">Unknown subject or fingerprint, incompatible schemas, or corrupt bytes.</exception>
    public ValueTask<object> DecodeAsync(string subject, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var type = _types.FindMessage(subject)
            ?? throw new OutboxDecodeException($"No message type is registered for the subject '{subject}': add the assembly that declares it with its generated services.Add<Assembly>OutboxTypes().", subject, null);
        return DecodeAsync(type, payload, cancellationToken);
    }

    /// <summary>Decodes a stored payload (Avro single-object encoding) into <paramref name="type"/>'s CLR type.</summary>
    /// <exception cref="OutboxDecodeException">Unknown fingerprint, incompatible schemas, or corrupt bytes.</exception>
    public ValueTask<object> DecodeAsync(OutboxMessageType type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        long fingerprint;
        try
        {
            fingerprint = SingleObjectEncoding.ReadHeader(payload.Span, out _);
        }
        catch (AvroException e)
        {
            throw new OutboxDecodeException($"The payload of a '{type.Subject}' message is not Avro single-object encoded: {e.Message}", type.Subject, null, e);
        }

        var datum = payload[SingleObjectEncoding.HeaderLength..];
        if (fingerprint == type.Fingerprint)
        {
            try
            {
                return ValueTask.FromResult(type.Deserialize(datum));
            }
            catch (AvroException e)
            {
                throw Unreadable(type, fingerprint, e);
            }
        }

        return DecodeOtherVersionAsync(type, fingerprint, datum, cancellationToken);
    }

    /// <summary>
    /// Registers the schema of every generated message type in the <c>schemas</c> table (a new fingerprint gets its
    /// subject's next version). Runs under the migrations' advisory lock, so instances starting together number
    /// versions without conflict. Returns how many were new.
    /// </summary>
    public async Task<int> RegisterGeneratedAsync(CancellationToken cancellationToken = default)
    {
        if (_types.Messages.Count == 0)
        {
            return 0;
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await OutboxMigrator.LockAsync(transaction, Schema, cancellationToken).ConfigureAwait(false);
                var added = 0;
                var sql = OutboxSchema.RegisterSchemaSql(Schema);
                foreach (var message in _types.Messages)
                {
                    var command = new NpgsqlCommand(sql, connection, transaction)
                    {
                        Parameters =
                        {
                            new() { Value = message.Fingerprint },
                            new() { Value = message.Subject },
                            new() { Value = message.CanonicalForm },
                            new() { Value = message.SchemaJson },
                        },
                    };
                    await using (command.ConfigureAwait(false))
                    {
                        added += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                MigrationLog.SchemasRegistered(_logger, added, _types.Messages.Count, Schema);
                return added;
            }
        }
    }

    private async ValueTask<object> DecodeOtherVersionAsync(OutboxMessageType type, long fingerprint, ReadOnlyMemory<byte> datum, CancellationToken cancellationToken)
    {
        var writer = await FindAsync(fingerprint, cancellationToken).ConfigureAwait(false)
            ?? throw new OutboxDecodeException($"A '{type.Subject}' message was written with the schema of fingerprint {fingerprint}, which is neither {type.ClrType.Name}'s ({type.Fingerprint}) nor registered in {Schema}.schemas: the publisher did not register it (it does at startup).", type.Subject, fingerprint);
        try
        {
            // The slow path for data of another schema version: resolve to the generic form of the reader's
            // schema, re-encode, and let the generated decoder read that (as AvroSerializer.Deserialize<T> does).
            var reader = _readerSchemas.GetOrAdd(type.ClrType, static (_, t) => AvroSchema.Parse(t.SchemaJson), type);
            var resolver = _resolvers.GetOrAdd((type.ClrType, fingerprint), static (_, s) => new GenericDatumReader(s.writer, s.reader), (writer, reader));
            var value = resolver.Read(datum.Span);
            var buffer = new ArrayBufferWriter<byte>(Math.Max(256, datum.Length * 2));
            GenericDatumWriter.Write(reader, value, buffer);
            return type.Deserialize(buffer.WrittenMemory);
        }
        catch (AvroException e)
        {
            throw Unreadable(type, fingerprint, e);
        }
    }

    private static OutboxDecodeException Unreadable(OutboxMessageType type, long fingerprint, AvroException e) =>
        new OutboxDecodeException($"A '{type.Subject}' message written with the schema of fingerprint {fingerprint} cannot be read as {type.ClrType.Name}: {e.Message}", type.Subject, fingerprint, e);
}
