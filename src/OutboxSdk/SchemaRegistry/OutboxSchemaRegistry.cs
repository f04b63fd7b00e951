using System.Collections.Concurrent;
using OutboxSdk.Avro;
using OutboxSdk.Avro.Framing;
using OutboxSdk.Avro.Compatibility;
using OutboxSdk.Avro.Schema;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.Migrations;
using OutboxSdk.Registration;

namespace OutboxSdk.SchemaRegistry;

/// <summary>
/// Writer schemas by fingerprint, and decoding of stored payloads into the CLR types of their subjects. A
/// fingerprint is looked up first among the generated types, then in the outbox's <c>schemas</c> table (rows are
/// immutable, so a schema found there is cached for good). Payloads written with the generated type's own schema
/// take the generated decoder directly; older or newer versions are resolved to it per the Avro spec.
/// </summary>
internal sealed class OutboxSchemaRegistry
{
    private readonly OutboxTypeRegistry _types;
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly string _findSql;
    private readonly Dictionary<long, OutboxMessageType> _generated = [];
    private readonly ConcurrentDictionary<long, AvroSchema> _schemas = new();
    private readonly ConcurrentDictionary<long, (string Subject, int Version)> _registered = new();
    private readonly ConcurrentDictionary<Type, SchemaVersionResolver> _resolvers = new();

    /// <summary>Creates a registry over the generated <paramref name="types"/> and the <c>schemas</c> table in <paramref name="schema"/>.</summary>
    public OutboxSchemaRegistry(OutboxTypeRegistry types, NpgsqlDataSource dataSource, string schema = OutboxSchema.DefaultSchema, ILogger<OutboxSchemaRegistry>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(dataSource);
        _types = types;
        _dataSource = dataSource;
        Schema = schema;
        _logger = logger ?? NullLogger<OutboxSchemaRegistry>.Instance;
        _findSql = $"SELECT \"schema_json\", \"subject\", \"version\" FROM {OutboxSchema.QuoteIdentifier(schema)}.\"schemas\" WHERE \"fingerprint\" = $1";
        foreach (var message in types.Messages)
        {
            _generated.TryAdd(message.Fingerprint, message);
        }
    }

    /// <summary>The schema of the outbox tables.</summary>
    public string Schema { get; }

    /// <summary>
    /// How a new schema must relate to its subject's registered versions for <see cref="RegisterGeneratedAsync"/> to
    /// accept it; <see cref="CompatibilityLevel.FullTransitive"/> unless set (<c>OutboxOptions.SchemaCompatibility</c>).
    /// </summary>
    public CompatibilityLevel Compatibility { get; init; } = CompatibilityLevel.FullTransitive;

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

        return await FindRegisteredAsync(fingerprint, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The subject and version under which <paramref name="fingerprint"/> is registered in the <c>schemas</c> table, if it is.</summary>
    public async Task<(string Subject, int Version)?> FindRegistrationAsync(long fingerprint, CancellationToken cancellationToken = default)
    {
        if (!_registered.ContainsKey(fingerprint))
        {
            await FindRegisteredAsync(fingerprint, cancellationToken).ConfigureAwait(false);
        }

        return _registered.TryGetValue(fingerprint, out var registration) ? registration : null;
    }

    private async Task<AvroSchema?> FindRegisteredAsync(long fingerprint, CancellationToken cancellationToken)
    {

        // Misses are not cached: a publisher of a newer version registers its schema before it writes with it.
        var command = _dataSource.CreateCommand(_findSql);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new() { Value = fingerprint });
            string json;
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                json = reader.GetString(0);
                _registered.TryAdd(fingerprint, (reader.GetString(1), reader.GetInt32(2)));
            }

            AvroSchema schema;
            try
            {
                schema = AvroSchema.Parse(json);
            }
            catch (AvroException e)
            {
                throw new OutboxDecodeException($"The schema registered in {Schema}.schemas under fingerprint {fingerprint} is not a valid Avro schema ({e.Message}): the row was altered by hand.", null, fingerprint, e);
            }

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
        var type = _types.FindMessage(subject);
        return type is null ? UnknownSubjectAsync(subject, payload, cancellationToken) : DecodeAsync(type, payload, cancellationToken);
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
            catch (Exception e) when (IsUnreadable(e))
            {
                throw Unreadable(type, fingerprint, e);
            }
        }

        return DecodeOtherVersionAsync(type, fingerprint, datum, cancellationToken);
    }

    /// <summary>
    /// Registers the schema of every generated message type in the <c>schemas</c> table (a new fingerprint gets its
    /// subject's next version) after checking it against the subject's registered versions at
    /// <see cref="Compatibility"/>. Runs under the migrations' advisory lock, so instances starting together number
    /// versions without conflict. Returns how many were new.
    /// </summary>
    /// <exception cref="OutboxSchemaCompatibilityException">
    /// A new schema breaks <see cref="Compatibility"/> against its subject's registered versions; nothing was registered.
    /// </exception>
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
                var added = await SchemaRegistration.RegisterAsync(transaction, Schema, _types.Messages, Compatibility, cancellationToken).ConfigureAwait(false);
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
        var resolver = _resolvers.GetOrAdd(type.ClrType, static (_, t) => new SchemaVersionResolver(AvroSchema.Parse(t.SchemaJson)), type);
        try
        {
            // The slow path for data of another schema version: resolved into the reader's encoding, then read by
            // the generated decoder.
            return type.Deserialize(resolver.Reencode(datum.Span, writer));
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            // Bytes that do not decode under a writer schema this type reads (per the spec's resolution rules) are
            // corrupt. A writer schema this type cannot read, registered for the subject by another version of the
            // application, is a rolling deploy: a relay of that version reads it (docs/schema-evolution.md).
            if (await FindRegistrationAsync(fingerprint, cancellationToken).ConfigureAwait(false) is { } registration
                && registration.Subject == type.Subject
                && SchemaCompatibility.CanRead(resolver.ReaderSchema, writer) is { IsCompatible: false } incompatible)
            {
                throw new OutboxDecodeException(
                    $"A '{type.Subject}' message was written with version {registration.Version} of the subject's schema (fingerprint {fingerprint}, registered in {Schema}.schemas), which this version's {type.ClrType.Name} (fingerprint {type.Fingerprint}) cannot read: {FirstIncompatibility(incompatible)}",
                    type.Subject, fingerprint, e)
                {
                    WriterSchemaUnreadable = true,
                    WriterVersion = registration.Version,
                };
            }

            throw Unreadable(type, fingerprint, e);
        }
    }

    /// <summary>
    /// A subject this version of the application has no type for. When the payload's writer schema is registered for
    /// that subject, a version that declares it runs (or ran): the message waits for a relay that can read it.
    /// Otherwise nothing ever declared it here, and the message cannot be delivered.
    /// </summary>
    private async ValueTask<object> UnknownSubjectAsync(string subject, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var missing = $"No message type is registered for the subject '{subject}': add the assembly that declares it with its generated services.Add<Assembly>OutboxTypes().";
        long fingerprint;
        try
        {
            fingerprint = SingleObjectEncoding.ReadHeader(payload.Span, out _);
        }
        catch (AvroException)
        {
            throw new OutboxDecodeException(missing, subject, null);
        }

        (string Subject, int Version)? registered;
        try
        {
            registered = await FindRegistrationAsync(fingerprint, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            registered = null; // no schemas table (not migrated): nothing registered the subject
        }

        if (registered is { } registration && registration.Subject == subject)
        {
            throw new OutboxDecodeException(
                $"This version of the application has no message type for the subject '{subject}', whose version {registration.Version} (fingerprint {fingerprint}) another version registered in {Schema}.schemas: a relay of a version that declares it can read it.",
                subject, fingerprint)
            {
                WriterSchemaUnreadable = true,
                WriterVersion = registration.Version,
            };
        }

        throw new OutboxDecodeException(missing, subject, fingerprint);
    }

    private static string FirstIncompatibility(CompatibilityResult result)
    {
        var first = result.Incompatibilities[0];
        return result.Incompatibilities.Count == 1 ? first.Message : $"{first.Message} (and {result.Incompatibilities.Count - 1} more)";
    }

    // Decoding is pure computation over untrusted bytes: whatever it throws (a corrupt length, an enum index out of
    // range, a timestamp out of DateTime's range) means these bytes cannot be read, and retrying will not change that.
    private static bool IsUnreadable(Exception e) =>
        e is AvroException or FormatException or OverflowException or ArgumentException or InvalidCastException or IndexOutOfRangeException or InvalidOperationException;

    private static OutboxDecodeException Unreadable(OutboxMessageType type, long fingerprint, Exception e) =>
        new OutboxDecodeException($"A '{type.Subject}' message written with the schema of fingerprint {fingerprint} cannot be read as {type.ClrType.Name}: {e.Message}", type.Subject, fingerprint, e);
}
