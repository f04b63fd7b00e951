using System.Text;
using OutboxSdk.Avro.Tests.Interop;

namespace OutboxSdk.Cli.Tests;

/// <summary>Containers cross between <c>outbox avro</c> and avsc, an independent implementation, both ways.</summary>
[Trait("Category", "Slow")]
[Trait("Group", "Interop")]
[Collection(AvscBridge.CollectionName)]
public sealed class AvscInteropTests : IClassFixture<TempDir>
{
    private readonly AvscBridge _avsc;
    private readonly TempDir _temp;

    public AvscInteropTests(AvscBridge avsc, TempDir temp)
    {
        _avsc = avsc;
        _temp = temp;
    }

    [Theory]
    [InlineData("null")]
    [InlineData("deflate")]
    public void A_container_written_by_outbox_reads_back_in_avsc(string codec)
    {
        var lines = RichData.Lines(count: 150, seed: 11);
        var container = _temp.NewPath("outbox-" + codec + ".avro");
        var result = CliHarness.Run("avro", "fromjson", "--schema", _temp.Write("rich.avsc", RichData.Schema), "--codec", codec,
            _temp.WriteLines("rich.jsonl", lines), container);
        Assert.Equal(new CliResult(0, "", ""), result);

        var (schemaJson, avscLines) = _avsc.ReadContainer(File.ReadAllBytes(container));
        Assert.Equal(CliHarness.Run("avro", "getschema", container).Stdout.TrimEnd('\n'), schemaJson.TrimEnd('\n'));
        RoundTripTests.AssertSameJsonLines(lines, avscLines);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("deflate")]
    public void A_container_written_by_avsc_reads_in_outbox_tojson(string codec)
    {
        var lines = RichData.Lines(count: 150, seed: 13);
        var container = _temp.NewPath("avsc-" + codec + ".avro");
        File.WriteAllBytes(container, _avsc.WriteContainer(RichData.Schema, lines, codec, blockSize: 4096));

        var result = CliHarness.Run("avro", "tojson", container);
        Assert.Equal("", result.Stderr);
        Assert.Equal(0, result.ExitCode);
        RoundTripTests.AssertSameJsonLines(lines, result.StdoutLines);
    }
}
