using OutboxSdk.Avro.Tests;

namespace OutboxSdk.Cli.Tests;

/// <summary>Bad input gives exit code 1 and one line on stderr naming the file and the position.</summary>
public sealed class ErrorTests : IClassFixture<TempDir>
{
    private const string OrderSchema =
        "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"lines\",\"type\":{\"type\":\"array\",\"items\":" +
        "{\"type\":\"record\",\"name\":\"Line\",\"fields\":[{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"qty\",\"type\":\"int\"}]}}}]}";

    private readonly TempDir _temp;

    public ErrorTests(TempDir temp) => _temp = temp;

    public static TheoryData<string[]> MissingFileCommands() => new()
    {
        new[] { "avro", "canonical", "{missing}" },
        new[] { "avro", "fingerprint", "{missing}" },
        new[] { "avro", "fingerprint", "-a", "sha256", "{missing}" },
        new[] { "avro", "tojson", "{missing}" },
        new[] { "avro", "getschema", "{missing}" },
        new[] { "avro", "fromjson", "--schema", "{missing}", "{jsonl}", "{out}" },
        new[] { "avro", "fromjson", "--schema", "{schema}", "{missing}", "{out}" },
    };

    [Theory]
    [MemberData(nameof(MissingFileCommands))]
    public void A_missing_file_is_named(string[] template)
    {
        var missing = Path.Combine(_temp.Path, "no-such-file.txt");
        var output = _temp.NewPath("out.avro");
        var args = template.Select(a => a
            .Replace("{missing}", missing, StringComparison.Ordinal)
            .Replace("{schema}", _temp.Write("s.avsc", OrderSchema), StringComparison.Ordinal)
            .Replace("{jsonl}", _temp.WriteLines("in.jsonl", ["{\"lines\":[]}"]), StringComparison.Ordinal)
            .Replace("{out}", output, StringComparison.Ordinal)).ToArray();
        AssertOneLineError(CliHarness.Run(args), $"outbox: {missing}: no such file");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void An_invalid_schema_is_named_with_its_path_inside_the_schema()
    {
        var schema = _temp.Write("bad.avsc",
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":{\"type\":\"array\",\"items\":\"Nope\"}}]}");
        var result = CliHarness.Run("avro", "canonical", schema);
        AssertOneLineError(result, $"outbox: {schema}: fields[1].type.items: ");
        Assert.Contains("Nope", result.Stderr, StringComparison.Ordinal);

        AssertOneLineError(CliHarness.Run("avro", "fingerprint", schema), $"outbox: {schema}: fields[1].type.items: ");
        AssertOneLineError(
            CliHarness.Run("avro", "fromjson", "--schema", schema, _temp.WriteLines("x.jsonl", ["{}"]), _temp.NewPath("x.avro")),
            $"outbox: {schema}: fields[1].type.items: ");
    }

    [Fact]
    public void A_schema_that_is_not_json_is_one_line()
    {
        var schema = _temp.Write("broken.avsc", "{\"type\":\n\"record\",");
        AssertOneLineError(CliHarness.Run("avro", "canonical", schema), $"outbox: {schema}: ");
    }

    [Fact]
    public void A_truncated_container_names_the_byte_offset()
    {
        var bytes = File.ReadAllBytes(TestData.File("weather.avro"));
        var truncated = _temp.NewPath("truncated.avro");
        File.WriteAllBytes(truncated, bytes[..300]);
        AssertOneLineError(CliHarness.Run("avro", "tojson", truncated), $"outbox: {truncated}: byte 300: ");

        var headerOnly = _temp.NewPath("header.avro");
        File.WriteAllBytes(headerOnly, bytes[..40]);
        var result = CliHarness.Run("avro", "getschema", headerOnly);
        AssertOneLineError(result, $"outbox: {headerOnly}: byte ");
        Assert.Contains("truncated", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupted_sync_marker_names_the_byte_offset()
    {
        var bytes = File.ReadAllBytes(TestData.File("weather.avro"));
        bytes[^3] ^= 0xFF; // inside the sync marker after the last block
        var corrupt = _temp.NewPath("corrupt.avro");
        File.WriteAllBytes(corrupt, bytes);
        var result = CliHarness.Run("avro", "tojson", corrupt);
        AssertOneLineError(result, $"outbox: {corrupt}: byte {bytes.Length - 16}: ");
        Assert.Contains("sync marker", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_container_is_rejected_at_byte_0()
    {
        var notAvro = _temp.Write("not.avro", "hello, world");
        AssertOneLineError(CliHarness.Run("avro", "tojson", notAvro), $"outbox: {notAvro}: byte 0: ");
    }

    [Fact]
    public void A_json_line_of_the_wrong_type_names_the_line_and_the_datum_path()
    {
        var lines = new List<string>();
        for (var i = 1; i <= 16; i++)
        {
            lines.Add(i == 5 ? "" : "{\"lines\":[{\"sku\":\"a\",\"qty\":1}]}");
        }

        lines.Add("{\"lines\":[{\"sku\":\"a\",\"qty\":1},{\"sku\":\"b\",\"qty\":2},{\"sku\":\"c\",\"qty\":\"x\"}]}");
        var data = _temp.WriteLines("data.jsonl", lines);
        var output = _temp.NewPath("data.avro");
        var result = CliHarness.Run("avro", "fromjson", "--schema", _temp.Write("order.avsc", OrderSchema), data, output);
        AssertOneLineError(result, $"outbox: {data}:17: $.lines[2].qty: the string \"x\" is not a valid int");
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.tmp"));
        Assert.Empty(Directory.GetFiles(_temp.Path, ".*"));
    }

    [Fact]
    public void A_failed_fromjson_keeps_the_previous_target()
    {
        var output = _temp.Write("keep.avro", "previous");
        var data = _temp.WriteLines("bad.jsonl", ["{\"lines\":[]}", "{\"lines\":null}"]);
        AssertOneLineError(CliHarness.Run("avro", "fromjson", "--schema", _temp.Write("o.avsc", OrderSchema), data, output),
            $"outbox: {data}:2: $.lines: ");
        Assert.Equal("previous", File.ReadAllText(output));
    }

    [Fact]
    public void An_invalid_json_line_names_the_line_and_column()
    {
        var data = _temp.WriteLines("broken.jsonl", ["{\"lines\":[]}", "{\"lines\":[}"]);
        var output = _temp.NewPath("broken.avro");
        var result = CliHarness.Run("avro", "fromjson", "--schema", _temp.Write("o.avsc", OrderSchema), data, output);
        AssertOneLineError(result, $"outbox: {data}:2:11: invalid JSON: ");
        Assert.DoesNotContain("LineNumber", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void An_unknown_codec_is_rejected()
    {
        var output = _temp.NewPath("lz4.avro");
        var result = CliHarness.Run("avro", "fromjson", "--schema", _temp.Write("o.avsc", OrderSchema), "--codec", "lz4",
            _temp.WriteLines("o.jsonl", ["{\"lines\":[]}"]), output);
        AssertOneLineError(result, "outbox: --codec: unknown codec 'lz4'");
        Assert.Contains("deflate", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void An_unknown_fingerprint_algorithm_is_rejected()
    {
        AssertOneLineError(CliHarness.Run("avro", "fingerprint", "-a", "crc32", _temp.Write("s.avsc", "\"int\"")),
            "outbox: --algorithm: unknown fingerprint algorithm 'crc32'");
    }

    [Fact]
    public void A_missing_output_directory_is_named()
    {
        var output = Path.Combine(_temp.Path, "no-such-dir", "out.avro");
        AssertOneLineError(
            CliHarness.Run("avro", "fromjson", "--schema", _temp.Write("o.avsc", OrderSchema), _temp.WriteLines("o.jsonl", ["{\"lines\":[]}"]), output),
            $"outbox: {output}: ");
    }

    [Fact]
    public void Usage_errors_keep_system_commandline_behaviour()
    {
        var result = CliHarness.Run("avro", "tojson");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Required argument missing", result.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, CliHarness.Run("avro", "frobnicate").ExitCode);
    }

    internal static void AssertOneLineError(CliResult result, string expectedStart)
    {
        Assert.Equal(1, result.ExitCode);
        Assert.EndsWith("\n", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith(expectedStart, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }
}
