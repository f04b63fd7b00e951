using System.Text;
using OutboxSdk.ChangeFeed;
using OutboxSdk;

namespace OutboxSdk.ChangeFeed.Tests;

/// <summary>
/// Reads a table's rows the way pgoutput would deliver them: each column as the server's text output
/// (<c>col::text</c>) or its binary send format (<c>int4send(col)</c>, <c>array_send(col)</c> …), NULL as NULL.
/// </summary>
internal static class RowSource
{
    public static async Task<List<PgRow>> ReadAsync(SchemaScope scope, ChangeFeedTable table, PgColumnKind format, string orderBy, string? setup = null)
    {
        var columns = table.Columns.Select(c => c.Name).ToArray();
        var select = string.Join(", ", table.Columns.Select(c => format == PgColumnKind.Text
            ? $"\"{c.Name}\"::text"
            : $"{SendFunction(c.PostgresType)}(\"{c.Name}\")"));
        var name = (table.Schema is null ? "" : $"\"{table.Schema}\".") + $"\"{table.Name}\"";
        var relation = new PgRelation(1, table.Schema ?? scope.Schema, table.Name, columns);

        await using var connection = await scope.DataSource.OpenConnectionAsync();
        if (setup is not null)
        {
            await using var set = connection.CreateCommand();
            set.CommandText = setup;
            await set.ExecuteNonQueryAsync();
        }

        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {select} FROM {name} ORDER BY {orderBy}";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<PgRow>();
        while (await reader.ReadAsync())
        {
            var kinds = new PgColumnKind[columns.Length];
            var values = new ReadOnlyMemory<byte>[columns.Length];
            for (var i = 0; i < columns.Length; i++)
            {
                if (reader.IsDBNull(i))
                {
                    kinds[i] = PgColumnKind.Null;
                    continue;
                }

                kinds[i] = format;
                values[i] = format == PgColumnKind.Text ? Encoding.UTF8.GetBytes(reader.GetString(i)) : reader.GetFieldValue<byte[]>(i);
            }

            rows.Add(new PgRow(relation, kinds, values));
        }

        return rows;
    }

    public static string SendFunction(string postgresType) => postgresType switch
    {
        _ when postgresType.EndsWith("[]", StringComparison.Ordinal) => "array_send",
        _ when postgresType.StartsWith("numeric", StringComparison.Ordinal) => "numeric_send",
        "boolean" => "boolsend",
        "integer" => "int4send",
        "bigint" => "int8send",
        "real" => "float4send",
        "double precision" => "float8send",
        "text" => "textsend",
        "bytea" => "byteasend",
        "uuid" => "uuid_send",
        "timestamptz" => "timestamptz_send",
        "date" => "date_send",
        "time" => "time_send",
        "interval" => "interval_send",
        _ => throw new ArgumentException("no send function for " + postgresType),
    };
}
