using System.Text;
using OutboxSdk.Avro.Tests;

namespace OutboxSdk.Cli.Tests;

/// <summary>The real built executable: exit codes, stdout bytes, one-line stderr.</summary>
public sealed class ProcessTests
{
    [Fact]
    public void Tojson_writes_utf8_lines_without_bom_and_exits_0()
    {
        var (exit, stdout, stderr) = CliHarness.RunProcess("avro", "tojson", TestData.File("weather.avro"));
        Assert.Equal("", stderr);
        Assert.Equal(0, exit);
        Assert.False(stdout.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }), "stdout starts with a BOM");
        var text = Encoding.UTF8.GetString(stdout);
        Assert.DoesNotContain('\r', text);
        var expected = File.ReadAllLines(TestData.File("weather.json")).Where(l => l.Length > 0).ToList();
        RoundTripTests.AssertSameJsonLines(expected, text.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Bad_input_exits_1_with_one_line_on_stderr_and_no_stack_trace()
    {
        using var temp = new TempDir();
        var bytes = File.ReadAllBytes(TestData.File("weather.avro"));
        var truncated = temp.NewPath("truncated.avro");
        File.WriteAllBytes(truncated, bytes[..300]);
        var (exit, _, stderr) = CliHarness.RunProcess("avro", "tojson", truncated);
        Assert.Equal(1, exit);
        Assert.Equal($"outbox: {truncated}: byte 300: ", stderr[..$"outbox: {truncated}: byte 300: ".Length]);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);

        var missing = Path.Combine(temp.Path, "missing.avsc");
        (exit, _, stderr) = CliHarness.RunProcess("avro", "fingerprint", missing);
        Assert.Equal(1, exit);
        Assert.Equal($"outbox: {missing}: no such file\n", stderr);
    }

    [Fact]
    public void Fromjson_and_help_through_the_process()
    {
        using var temp = new TempDir();
        var output = temp.NewPath("out.avro");
        var (exit, stdout, stderr) = CliHarness.RunProcess("avro", "fromjson", "--schema", temp.Write("s.avsc", "[\"null\",\"string\"]"),
            "--codec", "deflate", temp.WriteLines("in.jsonl", ["null", "{\"string\":\"h\u00e9\"}"]), output);
        Assert.Equal((0, "", ""), (exit, Encoding.UTF8.GetString(stdout), stderr));
        (exit, stdout, _) = CliHarness.RunProcess("avro", "tojson", output);
        Assert.Equal(0, exit);
        Assert.Equal("null\n{\"string\":\"h\u00e9\"}\n", Encoding.UTF8.GetString(stdout));

        (exit, stdout, _) = CliHarness.RunProcess("avro", "--help");
        Assert.Equal(0, exit);
        var help = Encoding.UTF8.GetString(stdout);
        foreach (var verb in new[] { "canonical", "fingerprint", "tojson", "fromjson", "getschema" })
        {
            Assert.Contains("  " + verb + " ", help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_usage_error_exits_with_system_commandline_code()
    {
        var (exit, _, stderr) = CliHarness.RunProcess("avro", "canonical");
        Assert.NotEqual(0, exit);
        Assert.Contains("Required argument missing", stderr, StringComparison.Ordinal);
    }
}
