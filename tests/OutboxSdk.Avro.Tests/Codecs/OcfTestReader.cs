using System.Text;

namespace OutboxSdk.Avro.Tests.Codecs;

/// <summary>
/// Just enough of an object container file reader to pull out the raw blocks (see Avro spec, Object Container
/// Files): magic, metadata map, sync marker, then blocks of count, size, data and sync. Test-only; the real
/// reader lives in the library.
/// </summary>
internal sealed class OcfTestReader
{
    private readonly byte[] _data;
    private int _position;

    private OcfTestReader(byte[] data) => _data = data;

    public Dictionary<string, byte[]> Metadata { get; } = new(StringComparer.Ordinal);

    public List<(long Count, byte[] Data)> Blocks { get; } = [];

    public string Codec => Metadata.TryGetValue("avro.codec", out byte[]? codec) ? Encoding.UTF8.GetString(codec) : "null";

    public static OcfTestReader Read(string path)
    {
        var reader = new OcfTestReader(System.IO.File.ReadAllBytes(path));
        reader.Parse();
        return reader;
    }

    private void Parse()
    {
        Assert.True(_data.AsSpan(0, 4).SequenceEqual("Obj\u0001"u8), "bad magic");
        _position = 4;
        while (true)
        {
            long count = ReadLong();
            if (count == 0)
            {
                break;
            }

            if (count < 0)
            {
                count = -count;
                ReadLong(); // the block's byte size, not needed here
            }

            for (long i = 0; i < count; i++)
            {
                string key = Encoding.UTF8.GetString(ReadBytes());
                Metadata[key] = ReadBytes();
            }
        }

        byte[] sync = Take(16);
        while (_position < _data.Length)
        {
            long objects = ReadLong();
            byte[] block = Take(checked((int)ReadLong()));
            Assert.Equal(sync, Take(16));
            Blocks.Add((objects, block));
        }
    }

    private byte[] ReadBytes() => Take(checked((int)ReadLong()));

    private byte[] Take(int length)
    {
        Assert.InRange(length, 0, _data.Length - _position);
        byte[] result = _data.AsSpan(_position, length).ToArray();
        _position += length;
        return result;
    }

    // Zig-zag varint, see Avro spec, Binary Encoding, Primitive Types.
    private long ReadLong()
    {
        ulong value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            byte b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return (long)(value >> 1) ^ -(long)(value & 1);
            }
        }

        throw new InvalidDataException("varint too long");
    }
}
