using System.Runtime.CompilerServices;

namespace OutboxSdk.ChangeFeed;

/// <summary>
/// Streams one table's rows for the initial snapshot, in key order, as <see cref="PgRow"/>s in pgoutput's text
/// format (<c>column::text</c>; NULL stays NULL). The relation carries the table's OID, like a Relation message.
/// </summary>
internal sealed class SnapshotTableReader(NpgsqlConnection connection, string schema, string table, ChangeFeedTable descriptor)
{
    public async IAsyncEnumerable<PgRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var qualified = OutboxSchema.QuoteIdentifier(schema) + "." + OutboxSchema.QuoteIdentifier(table);
        uint oid;
        var lookup = new NpgsqlCommand("SELECT to_regclass($1)::oid", connection);
        await using (lookup.ConfigureAwait(false))
        {
            lookup.Parameters.AddWithValue(qualified);
            oid = await lookup.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is uint found
                ? found
                : throw new InvalidOperationException($"the snapshot cannot read table {schema}.{table}: it does not exist. Create it (the entity's CreateTableSql) or remove the entity.");
        }

        var columns = descriptor.Columns.Select(c => c.Name).ToArray();
        var relation = new PgRelation(oid, schema, table, columns);
        var select = string.Join(", ", columns.Select(c => OutboxSchema.QuoteIdentifier(c) + "::text"));
        var order = string.Join(", ", descriptor.Key.Select(c => OutboxSchema.QuoteIdentifier(c.Name)));
        var command = new NpgsqlCommand($"SELECT {select} FROM {qualified} ORDER BY {order}", connection);
        await using var disposeCommand = command.ConfigureAwait(false);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var disposeReader = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var kinds = new PgColumnKind[columns.Length];
            var values = new ReadOnlyMemory<byte>[columns.Length];
            for (var i = 0; i < columns.Length; i++)
            {
                if (await reader.IsDBNullAsync(i, cancellationToken).ConfigureAwait(false))
                {
                    kinds[i] = PgColumnKind.Null;
                    continue;
                }

                kinds[i] = PgColumnKind.Text;
                values[i] = Encoding.UTF8.GetBytes(reader.GetString(i));
            }

            yield return new PgRow(relation, kinds, values);
        }
    }
}
