using System.Buffers;
using BenchmarkDotNet.Attributes;
using OutboxSdk.Avro.Container;
using OutboxSdk.Avro.Generic;

namespace OutboxSdk.Benchmarks;

/// <summary>
/// Compressing and decompressing one container block (64 KiB of encoded orders, the writer's default block size)
/// with each codec. Run before and after a codec change and compare the two runs' means.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CodecBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);
    private byte[] _block = [];
    private byte[] _compressed = [];

    [Params("deflate", "snappy", "zstandard")]
    public string Codec { get; set; } = "snappy";

    [GlobalSetup]
    public void Setup()
    {
        var block = new ArrayBufferWriter<byte>(1 << 17);
        for (int i = 0; block.WrittenCount < 64 * 1024; i++)
        {
            block.Write(GenericDatumWriter.ToArray(SampleData.Schema, SampleData.Order(i)));
        }

        _block = block.WrittenSpan.ToArray();
        Compress();
        _compressed = _buffer.WrittenSpan.ToArray();
    }

    [Benchmark]
    [BenchmarkCategory("compress")]
    public int Compress()
    {
        _buffer.ResetWrittenCount();
        AvroCodecs.Get(Codec).Compress(_block, _buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    [BenchmarkCategory("decompress")]
    public int Decompress()
    {
        _buffer.ResetWrittenCount();
        AvroCodecs.Get(Codec).Decompress(_compressed, _buffer, int.MaxValue);
        return _buffer.WrittenCount;
    }
}
