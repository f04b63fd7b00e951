using System.Buffers;
using OutboxSdk.Avro.IO;

namespace OutboxSdk.Avro.Tests.IO;

public sealed class BinaryEncodingTests
{
    [Theory]
    [InlineData(0L, "00")]
    [InlineData(-1L, "01")]
    [InlineData(1L, "02")]
    [InlineData(-64L, "7F")]
    [InlineData(64L, "8001")]
    [InlineData(long.MaxValue, "FEFFFFFFFFFFFFFFFF01")]
    [InlineData(long.MinValue, "FFFFFFFFFFFFFFFFFF01")]
    public void Longs_use_zig_zag_varints_as_in_the_spec(long value, string hex)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new AvroBinaryWriter(buffer).WriteLong(value);
        Assert.Equal(hex, Convert.ToHexString(buffer.WrittenSpan));
        var reader = new AvroBinaryReader(buffer.WrittenSpan);
        Assert.Equal(value, reader.ReadLong());
        Assert.True(reader.IsAtEnd);
    }

    [Theory]
    [InlineData(int.MaxValue, "FEFFFFFF0F")]
    [InlineData(int.MinValue, "FFFFFFFF0F")]
    public void Int_limits_take_five_bytes(int value, string hex)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new AvroBinaryWriter(buffer).WriteInt(value);
        Assert.Equal(hex, Convert.ToHexString(buffer.WrittenSpan));
        var reader = new AvroBinaryReader(buffer.WrittenSpan);
        Assert.Equal(value, reader.ReadInt());
    }

    [Theory]
    [InlineData("FFFFFFFF1F", "int")] // fifth byte overflows 32 bits
    [InlineData("8080808080", "int")] // fifth byte continues
    [InlineData("FFFFFFFFFFFFFFFFFF03", "long")] // tenth byte overflows 64 bits
    [InlineData("8080808080808080808000", "long")] // eleven bytes
    public void Overlong_varints_are_rejected(string hex, string what)
    {
        var error = Assert.Throws<AvroFormatException>(() =>
        {
            var reader = new AvroBinaryReader(Convert.FromHexString(hex));
            _ = what == "int" ? reader.ReadInt() : reader.ReadLong();
        });
        Assert.Contains("longer than", error.Reason, StringComparison.Ordinal);
        Assert.Equal(0, error.Position);
    }

    [Fact]
    public void Truncated_varints_name_the_position()
    {
        var error = Assert.Throws<AvroFormatException>(() => new AvroBinaryReader(Convert.FromHexString("0441")).ReadString());
        Assert.Contains("truncated", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_lengths_are_rejected()
    {
        var error = Assert.Throws<AvroFormatException>(() => new AvroBinaryReader(Convert.FromHexString("01")).ReadBytes());
        Assert.Contains("negative", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hostile_length_fails_before_allocating()
    {
        // A length of 2^62 bytes followed by nothing: must fail fast, not try to allocate.
        var buffer = new ArrayBufferWriter<byte>();
        new AvroBinaryWriter(buffer).WriteLong(1L << 62);
        var bytes = buffer.WrittenSpan.ToArray();
        var error = Assert.Throws<AvroFormatException>(() => new AvroBinaryReader(bytes).ReadBytes());
        Assert.Contains("runs past the end", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_strings_are_rejected()
    {
        var error = Assert.Throws<AvroFormatException>(() => new AvroBinaryReader(Convert.FromHexString("04C328")).ReadString());
        Assert.Contains("UTF-8", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Booleans_other_than_zero_or_one_are_rejected()
    {
        Assert.Throws<AvroFormatException>(() => new AvroBinaryReader([2]).ReadBoolean());
    }

    [Fact]
    public void Floats_and_doubles_are_little_endian_and_keep_every_bit()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new AvroBinaryWriter(buffer);
        w.WriteFloat(1.5f);
        w.WriteDouble(-0.0);
        w.WriteDouble(double.NaN);
        Assert.Equal("0000C03F" + "0000000000000080" + "000000000000F87F", Convert.ToHexString(buffer.WrittenSpan));
        var r = new AvroBinaryReader(buffer.WrittenSpan);
        Assert.Equal(1.5f, r.ReadFloat());
        Assert.True(double.IsNegative(r.ReadDouble()));
        Assert.True(double.IsNaN(r.ReadDouble()));
    }

    [Fact]
    public void Block_counts_that_cannot_fit_the_input_fail_fast()
    {
        var buffer = new ArrayBufferWriter<byte>();
        new AvroBinaryWriter(buffer).WriteLong(1_000_000_000);
        var bytes = buffer.WrittenSpan.ToArray();
        var error = Assert.Throws<AvroFormatException>(() => new AvroBinaryReader(bytes).ReadBlockCount(minItemSize: 1));
        Assert.Contains("claims 1000000000 items", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_block_counts_carry_a_byte_size()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new AvroBinaryWriter(buffer);
        w.WriteLong(-2);
        w.WriteLong(2);
        w.WriteInt(1);
        w.WriteInt(2);
        w.WriteLong(0);
        var r = new AvroBinaryReader(buffer.WrittenSpan);
        Assert.Equal(2, r.ReadBlockCount(1));
        Assert.Equal(1, r.ReadInt());
        Assert.Equal(2, r.ReadInt());
        Assert.Equal(0, r.ReadBlockCount(1));
    }
}
