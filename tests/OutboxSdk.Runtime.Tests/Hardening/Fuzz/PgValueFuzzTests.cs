using Hardening.Tests.Infrastructure;
using Npgsql;
using OutboxSdk.ChangeFeed;
using OutboxSdk;

namespace Hardening.Tests.Fuzz;

/// <summary>
/// The change feed's column parsers, fed mutations of real text and binary values (taken from the server's own
/// output and send functions): PgValue may only throw FormatException, OverflowException or ArgumentException
/// (invalid UTF-8 is a DecoderFallbackException, an ArgumentException), and PgRow.Parse only PgRowException.
/// </summary>
[Collection(SecuredPostgresCollection.Name)]
public sealed class PgValueFuzzTests(SecuredPostgresFixture fixture)
{
    private static readonly (string Type, string Literal, PgValueParser<object> Parser)[] Columns =
    [
        ("boolean", "true", (f, v) => PgValue.ReadBoolean(f, v)),
        ("integer", "-123456", (f, v) => PgValue.ReadInt32(f, v)),
        ("bigint", "9223372036854775807", (f, v) => PgValue.ReadInt64(f, v)),
        ("real", "1.5", (f, v) => PgValue.ReadSingle(f, v)),
        ("double precision", "-2.25e300", (f, v) => PgValue.ReadDouble(f, v)),
        ("numeric", "-12345678901234567.8901234", (f, v) => PgValue.ReadNumeric(f, v)),
        ("text", "héllo, wörld", (f, v) => PgValue.ReadText(f, v)),
        ("bytea", "\\x00ff10", (f, v) => PgValue.ReadBytes(f, v)),
        ("uuid", "0f8fad5b-d9cb-469f-a165-70867728950e", (f, v) => PgValue.ReadUuid(f, v)),
        ("timestamptz", "2026-11-21 12:34:56.789012+05:30", (f, v) => PgValue.ReadDateTimeOffset(f, v)),
        ("date", "2026-11-21", (f, v) => PgValue.ReadDate(f, v)),
        ("time", "23:59:59.999999", (f, v) => PgValue.ReadTime(f, v)),
        ("interval", "3 days 04:05:06.7", (f, v) => PgValue.ReadInterval(f, v)),
        ("integer[]", "{1,NULL,-3}", (f, v) => PgValue.ReadArray(f, v, (g, w) => PgValue.ReadInt32(g, w), elementsNullable: true)),
        ("text[]", "{a,\"b c\",\"d\\\\\\\"e\"}", (f, v) => PgValue.ReadArray(f, v, (g, w) => PgValue.ReadText(g, w), elementsNullable: false)),
    ];

    [Fact]
    public async Task Column_parsers_refuse_mutated_values_with_their_documented_exceptions()
    {
        var seed = 100;
        var refusals = 0;
        foreach (var (type, literal, parser) in Columns)
        {
            var (text, binary) = await ServerFormsAsync(type, literal);
            Assert.NotNull(parser(PgColumnKind.Text, text)); // the baselines parse
            Assert.NotNull(parser(PgColumnKind.Binary, binary));
            foreach (var (format, baseline) in new[] { (PgColumnKind.Text, text), (PgColumnKind.Binary, binary) })
            {
                // Any UTF-8 is a text value and any bytes a binary bytea: those columns may accept every input.
                var (_, refused) = await FuzzRunner.RunAsync(FuzzInputs.For(seed++, [baseline], 400), bytes => parser(format, bytes),
                    [typeof(FormatException), typeof(OverflowException), typeof(ArgumentException)], requireRefusals: false);
                refusals += refused;

                var relation = new PgRelation(1, "public", "fuzz", ["value"]);
                await FuzzRunner.RunAsync(FuzzInputs.For(seed++, [baseline], 400),
                    bytes => new PgRow(relation, [format], [bytes]).Parse(0, parser), [typeof(PgRowException)], requireRefusals: false);
            }
        }

        Assert.True(refusals > 1000, $"only {refusals} inputs were refused: the mutations do not reach the parsers");
    }

    // The value as pgoutput carries it: the type's output function (text) and its send function (binary).
    private async Task<(byte[] Text, byte[] Binary)> ServerFormsAsync(string type, string literal)
    {
        await using var dataSource = fixture.CreateDataSource();
        await using var command = dataSource.CreateCommand($"SELECT convert_to(($1::{type})::text, 'UTF8'), send_of($1::{type})".Replace("send_of", SendFunction(type), StringComparison.Ordinal));
        command.Parameters.Add(new NpgsqlParameter { Value = literal });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1));
    }

    private static string SendFunction(string type) => type switch
    {
        "boolean" => "boolsend",
        "integer" => "int4send",
        "bigint" => "int8send",
        "real" => "float4send",
        "double precision" => "float8send",
        "numeric" => "numeric_send",
        "text" => "textsend",
        "bytea" => "byteasend",
        "uuid" => "uuid_send",
        "timestamptz" => "timestamptz_send",
        "date" => "date_send",
        "time" => "time_send",
        "interval" => "interval_send",
        _ => "array_send",
    };
}
