using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using OutboxSdk.Avro.Serialization;

namespace OutboxSdk.Benchmarks;

/// <summary>
/// The generated Avro serializer against System.Text.Json's source-generated serializer (the baseline) on the same
/// ten-field message, both writing into a reused buffer and reading back from bytes.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SerializerBenchmarks
{
    private readonly OrderShipped _message = OrderShipped.Sample;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json;
    private byte[] _avroBytes = [];
    private byte[] _jsonBytes = [];

    public SerializerBenchmarks() => _json = new Utf8JsonWriter(_buffer);

    [GlobalSetup]
    public void Setup()
    {
        _avroBytes = AvroSerializer.Serialize(_message);
        _jsonBytes = JsonSerializer.SerializeToUtf8Bytes(_message, BenchJsonContext.Default.OrderShipped);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("serialize")]
    public int StjSourceGenSerialize()
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        JsonSerializer.Serialize(_json, _message, BenchJsonContext.Default.OrderShipped);
        _json.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark]
    [BenchmarkCategory("serialize")]
    public int AvroGeneratedSerialize()
    {
        _buffer.ResetWrittenCount();
        AvroSerializer.Serialize(_message, _buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("deserialize")]
    public OrderShipped? StjSourceGenDeserialize() => JsonSerializer.Deserialize(_jsonBytes, BenchJsonContext.Default.OrderShipped);

    [Benchmark]
    [BenchmarkCategory("deserialize")]
    public OrderShipped AvroGeneratedDeserialize() => AvroSerializer.Deserialize<OrderShipped>(_avroBytes);
}
