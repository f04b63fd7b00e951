using OutboxSdk.Avro;
using OutboxSdk.Avro.Compatibility;
using OutboxSdk.Avro.Schema;
using OutboxSdk.Registration;

namespace OutboxSdk.SchemaRegistry;

/// <summary>
/// Registers the generated message schemas in the <c>schemas</c> table, checking each new one against its subject's
/// registered versions first (as the Confluent Schema Registry does: a fingerprint registered before is accepted
/// as it is, a new one must meet the level). Every break of every subject is collected before anything is refused.
/// </summary>
internal static class SchemaRegistration
{
    /// <summary>Registers the new schemas in <paramref name="transaction"/>; returns how many were new.</summary>
    /// <exception cref="OutboxSchemaCompatibilityException">A new schema breaks <paramref name="level"/>; nothing was inserted.</exception>
    public static async Task<int> RegisterAsync(NpgsqlTransaction transaction, string schema, IReadOnlyList<OutboxMessageType> messages,
        CompatibilityLevel level, CancellationToken cancellationToken)
    {
        var table = OutboxSchema.QuoteIdentifier(schema) + ".\"schemas\"";
        var known = await KnownFingerprintsAsync(transaction, table, cancellationToken).ConfigureAwait(false);
        var fresh = messages.Where(m => !known.Contains(m.Fingerprint)).ToList();
        if (fresh.Count == 0)
        {
            return 0;
        }

        if (level != CompatibilityLevel.None)
        {
            var failures = new List<(OutboxMessageType Message, CompatibilityResult Result)>();
            foreach (var message in fresh)
            {
                var history = await HistoryAsync(transaction, table, message.Subject, cancellationToken).ConfigureAwait(false);
                var result = SchemaCompatibility.Check(AvroSchema.Parse(message.SchemaJson), history, level);
                if (!result.IsCompatible)
                {
                    failures.Add((message, result));
                }
            }

            if (failures.Count > 0)
            {
                throw Refused(schema, level, failures);
            }
        }

        var added = 0;
        var sql = OutboxSchema.RegisterSchemaSql(schema);
        foreach (var message in fresh)
        {
            var command = new NpgsqlCommand(sql, transaction.Connection, transaction)
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

        return added;
    }

    private static async Task<HashSet<long>> KnownFingerprintsAsync(NpgsqlTransaction transaction, string table, CancellationToken cancellationToken)
    {
        var known = new HashSet<long>();
        var command = new NpgsqlCommand($"SELECT \"fingerprint\" FROM {table}", transaction.Connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    known.Add(reader.GetInt64(0));
                }
            }
        }

        return known;
    }

    // Oldest first, so list positions are the registered version numbers (they are assigned 1, 2, 3, ...).
    private static async Task<List<AvroSchema>> HistoryAsync(NpgsqlTransaction transaction, string table, string subject, CancellationToken cancellationToken)
    {
        var history = new List<AvroSchema>();
        var command = new NpgsqlCommand($"SELECT \"version\", \"schema_json\" FROM {table} WHERE \"subject\" = $1 ORDER BY \"version\"", transaction.Connection, transaction)
        {
            Parameters = { new() { Value = subject } },
        };
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var version = reader.GetInt32(0);
                    try
                    {
                        history.Add(AvroSchema.Parse(reader.GetString(1)));
                    }
                    catch (AvroException e)
                    {
                        throw new OutboxSchemaCompatibilityException(string.Create(CultureInfo.InvariantCulture,
                            $"Version {version} of '{subject}' in {table} is not a valid Avro schema ({e.Message}): the row was altered by hand; restore it from the application version that registered it."), [subject], e);
                    }
                }
            }
        }

        return history;
    }

    private static OutboxSchemaCompatibilityException Refused(string schema, CompatibilityLevel level, List<(OutboxMessageType Message, CompatibilityResult Result)> failures)
    {
        var rule = RuleName(level);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"The application's message schemas break {rule} compatibility with the versions registered in {schema}.schemas, so it does not start:");
        foreach (var (message, result) in failures)
        {
            foreach (var incompatibility in result.Incompatibilities)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n  {message.Subject} ({message.ClrType.FullName}): {incompatibility.Message} [{rule}, {incompatibility.Kind}]");
            }
        }

        text.Append("\nMake the change compatible (give a new field a default, keep a renamed field's old name as [AvroAlias], give an enum a default symbol before removing a member), ")
            .Append("start a new subject for a breaking change, or set OutboxOptions.SchemaCompatibility to the level you mean (docs/schema-evolution.md).");
        return new OutboxSchemaCompatibilityException(text.ToString(), [.. failures.Select(f => f.Message.Subject)]);
    }

    /// <summary>The Confluent name of a level (BACKWARD, FULL_TRANSITIVE), as users know the rules.</summary>
    internal static string RuleName(CompatibilityLevel level) => level switch
    {
        CompatibilityLevel.BackwardTransitive => "BACKWARD_TRANSITIVE",
        CompatibilityLevel.ForwardTransitive => "FORWARD_TRANSITIVE",
        CompatibilityLevel.FullTransitive => "FULL_TRANSITIVE",
        _ => level.ToString().ToUpperInvariant(),
    };
}
