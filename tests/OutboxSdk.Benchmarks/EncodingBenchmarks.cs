using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Json;

namespace OutboxSdk.Benchmarks;

/// <summary>
/// Encoding and decoding one order with the generic Avro datum writer/reader, against the Avro JSON encoding of
/// the same datum through System.Text.Json as the baseline measured in the same run.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class EncodingBenchmarks
{
    private readonly GenericRecord _order = SampleData.Order(42);
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly GenericDatumReader _reader = new(SampleData.Schema);
    private byte[] _binary = [];
    private string _json = "";

    [GlobalSetup]
    public void Setup()
    {
        _binary = GenericDatumWriter.ToArray(SampleData.Schema, _order);
        _json = AvroJson.Serialize(SampleData.Schema, _order);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("encode")]
    public int EncodeJson()
    {
        _buffer.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_buffer);
        AvroJson.Write(writer, SampleData.Schema, _order);
        writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark]
    [BenchmarkCategory("encode")]
    public int EncodeAvroBinary()
    {
        _buffer.ResetWrittenCount();
        GenericDatumWriter.Write(SampleData.Schema, _order, _buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("decode")]
    public object? DecodeJson() => AvroJson.Deserialize(SampleData.Schema, _json);

    [Benchmark]
    [BenchmarkCategory("decode")]
    public object? DecodeAvroBinary() => _reader.Read(_binary);
}
