using System.Text;
using System.Text.Json.Nodes;
using OutboxSdk.Avro.Tests;

namespace OutboxSdk.Cli.Tests;

/// <summary><c>outbox avro tojson</c> and <c>getschema</c> on Apache's weather files.</summary>
public sealed class ContainerVerbTests
{
    private const string WeatherSchema =
        "{\"type\":\"record\",\"name\":\"Weather\",\"namespace\":\"test\",\"fields\":[{\"name\":\"station\",\"type\":\"string\"}," +
        "{\"name\":\"time\",\"type\":\"long\"},{\"name\":\"temp\",\"type\":\"int\"}],\"doc\":\"A weather reading.\"}";

    [Theory]
    [InlineData("weather.avro")]
    [InlineData("weather-deflate.avro")]
    [InlineData("weather-snappy.avro")]
    [InlineData("weather-zstd.avro")]
    public void Tojson_of_weather_equals_weather_json_line_by_line(string file)
    {
        var expected = File.ReadAllLines(TestData.File("weather.json")).Where(l => l.Length > 0).ToArray();
        var result = CliHarness.Run("avro", "tojson", TestData.File(file));
        Assert.Equal("", result.Stderr);
        Assert.Equal(0, result.ExitCode);
        Assert.EndsWith("\n", result.Stdout, StringComparison.Ordinal);
        var actual = result.StdoutLines;
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected[i]), JsonNode.Parse(actual[i])),
                $"line {i + 1}: expected {expected[i]}, got {actual[i]}");
        }
    }

    [Fact]
    public void Getschema_prints_the_stored_schema_json_on_one_line()
    {
        var result = CliHarness.Run("avro", "getschema", TestData.File("weather.avro"));
        Assert.Equal(new CliResult(0, WeatherSchema + "\n", ""), result);

        // independently: that text is the avro.schema value in the file's header
        var raw = Encoding.Latin1.GetString(File.ReadAllBytes(TestData.File("weather.avro")));
        Assert.Contains("avro.schema", raw, StringComparison.Ordinal);
        Assert.Contains(WeatherSchema, raw, StringComparison.Ordinal);
    }

    [Fact]
    public void Getschema_prints_the_schema_of_a_file_we_wrote_as_its_header_stores_it()
    {
        using var temp = new TempDir();
        var schemaText = "{\"type\": \"record\", \"name\": \"A\", \"doc\": \"kept\", \"fields\": [{\"name\": \"x\", \"type\": \"int\"}]}";
        var container = temp.NewPath("a.avro");
        Assert.Equal(0, CliHarness.Run("avro", "fromjson", "--schema", temp.Write("a.avsc", schemaText), temp.WriteLines("a.jsonl", ["{\"x\":1}"]), container).ExitCode);
        var result = CliHarness.Run("avro", "getschema", container);
        Assert.Equal(0, result.ExitCode);
        Assert.Single(result.StdoutLines);
        Assert.Equal(global::OutboxSdk.Avro.Schema.AvroSchema.Parse(schemaText).ToString() + "\n", result.Stdout);
    }

    [Fact]
    public void Tojson_of_an_empty_container_prints_nothing()
    {
        using var temp = new TempDir();
        var container = temp.NewPath("empty.avro");
        var fromJson = CliHarness.Run("avro", "fromjson", "--schema", temp.Write("s.avsc", "\"int\""), temp.Write("e.jsonl", "\n  \n"), container);
        Assert.Equal(new CliResult(0, "", ""), fromJson);
        Assert.Equal(new CliResult(0, "", ""), CliHarness.Run("avro", "tojson", container));
    }
}
