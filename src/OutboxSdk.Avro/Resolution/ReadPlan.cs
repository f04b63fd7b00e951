using System.Text;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.IO;
using OutboxSdk.Avro.Json;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Resolution;

/// <summary>
/// One node of a compiled reader-versus-writer resolution: reads the writer's encoding and produces the generic
/// datum the reader schema describes. Built once per schema pair by <see cref="SchemaResolver"/>.
/// </summary>
internal abstract class ReadPlan
{
    public abstract object? Read(ref AvroBinaryReader reader);
}

internal sealed class PrimitivePlan(AvroType writer, AvroType reader) : ReadPlan
{
    public override object? Read(ref AvroBinaryReader r) => (writer, reader) switch
    {
        (AvroType.Null, _) => null,
        (AvroType.Boolean, _) => r.ReadBoolean(),
        (AvroType.Int, AvroType.Int) => r.ReadInt(),
        (AvroType.Int, AvroType.Long) => (long)r.ReadInt(),
        (AvroType.Int, AvroType.Float) => (float)r.ReadInt(),
        (AvroType.Int, AvroType.Double) => (double)r.ReadInt(),
        (AvroType.Long, AvroType.Long) => r.ReadLong(),
        (AvroType.Long, AvroType.Float) => (float)r.ReadLong(),
        (AvroType.Long, AvroType.Double) => (double)r.ReadLong(),
        (AvroType.Float, AvroType.Float) => r.ReadFloat(),
        (AvroType.Float, AvroType.Double) => (double)r.ReadFloat(),
        (AvroType.Double, _) => r.ReadDouble(),
        (AvroType.Bytes, AvroType.Bytes) => r.ReadBytes(),
        (AvroType.String, AvroType.String) => r.ReadString(),
        (AvroType.String, AvroType.Bytes) => r.ReadBytes(),
        (AvroType.Bytes, AvroType.String) => ReadBytesAsString(ref r),
        _ => throw new InvalidOperationException($"No plan reads {writer} as {reader}."),
    };

    private static string ReadBytesAsString(ref AvroBinaryReader r)
    {
        var start = r.Position;
        var bytes = r.ReadBytesSpan();
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw r.Error("bytes read as a string are not valid UTF-8", start);
        }
    }
}

internal sealed class FixedPlan(FixedSchema reader) : ReadPlan
{
    public override object? Read(ref AvroBinaryReader r) => new GenericFixed(reader, r.ReadFixedSpan(reader.Size).ToArray());
}

internal sealed class EnumPlan(EnumSchema writer, EnumSchema reader) : ReadPlan
{
    // Writer index -> reader index; -1 where the reader has no such symbol and no default.
    private readonly int[] _map = BuildMap(writer, reader);

    public override object? Read(ref AvroBinaryReader r)
    {
        var start = r.Position;
        var index = r.ReadEnum(_map.Length);
        var mapped = _map[index];
        return mapped >= 0
            ? new GenericEnum(reader, reader.Symbols[mapped])
            : throw new AvroResolutionException(reader.FullName,
                $"the writer's symbol '{writer.Symbols[index]}' (at byte {start}) is not a symbol of the reader's enum, which has no default");
    }

    private static int[] BuildMap(EnumSchema writer, EnumSchema reader)
    {
        var fallback = reader.Default is null ? -1 : reader.IndexOf(reader.Default);
        var map = new int[writer.Symbols.Count];
        for (var i = 0; i < map.Length; i++)
        {
            var index = reader.IndexOf(writer.Symbols[i]);
            map[i] = index >= 0 ? index : fallback;
        }

        return map;
    }
}

internal sealed class ArrayPlan(ReadPlan items, int minItemSize) : ReadPlan
{
    public override object? Read(ref AvroBinaryReader r)
    {
        var list = new List<object?>();
        for (var count = r.ReadBlockCount(minItemSize); count != 0; count = r.ReadBlockCount(minItemSize))
        {
            if (minItemSize == 0 && list.Count + count > AvroLimits.MaxZeroSizeItems)
            {
                throw r.Error($"an array claims more than {AvroLimits.MaxZeroSizeItems} items of a zero-byte type", r.Position);
            }

            // Each item of a non-zero-byte type takes at least one of the remaining bytes, so this is bounded by the input.
            list.EnsureCapacity((int)Math.Min(list.Count + count, list.Count + Math.Max(r.Remaining, 16)));
            for (long i = 0; i < count; i++)
            {
                list.Add(items.Read(ref r));
            }
        }

        return list;
    }
}

internal sealed class MapPlan(ReadPlan values) : ReadPlan
{
    public override object? Read(ref AvroBinaryReader r)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        // Each entry takes at least one byte (its key's length).
        for (var count = r.ReadBlockCount(1); count != 0; count = r.ReadBlockCount(1))
        {
            for (long i = 0; i < count; i++)
            {
                var key = r.ReadString();
                map[key] = values.Read(ref r);
            }
        }

        return map;
    }
}

internal sealed class WriterUnionPlan(ReadPlan[] branches) : ReadPlan
{
    public override object? Read(ref AvroBinaryReader r) => branches[r.ReadUnionIndex(branches.Length)].Read(ref r);
}

internal sealed class ErrorPlan(string path, string reason) : ReadPlan
{
    public override object? Read(ref AvroBinaryReader r) => throw new AvroResolutionException(path, reason);
}

internal sealed class SkipPlan(AvroSchema writer) : ReadPlan
{
    public override object? Read(ref AvroBinaryReader r)
    {
        AvroSkipper.Skip(ref r, writer);
        return null;
    }
}

internal sealed class RecordPlan(RecordSchema reader) : ReadPlan
{
    // One step per writer field, in writer order: the reader position it fills (-1 to skip) and how to read it.
    private (int Position, ReadPlan Plan)[] _steps = [];

    // Reader fields the writer lacks: filled from their defaults.
    private RecordField[] _defaults = [];

    public void Complete((int Position, ReadPlan Plan)[] steps, RecordField[] defaults)
    {
        _steps = steps;
        _defaults = defaults;
    }

    public override object? Read(ref AvroBinaryReader r)
    {
        var record = new GenericRecord(reader);
        foreach (var (position, plan) in _steps)
        {
            var value = plan.Read(ref r);
            if (position >= 0)
            {
                record[position] = value;
            }
        }

        foreach (var field in _defaults)
        {
            record[field.Position] = AvroJson.ReadDefault(field);
        }

        return record;
    }
}
