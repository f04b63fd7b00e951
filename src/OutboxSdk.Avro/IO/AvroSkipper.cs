using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.IO;

/// <summary>Skips a datum by its schema without materialising it (see Avro spec, "Binary Encoding": block byte sizes exist for this).</summary>
public static class AvroSkipper
{
    /// <summary>Skips one datum of <paramref name="schema"/>.</summary>
    public static void Skip(ref AvroBinaryReader reader, AvroSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        switch (schema.Type)
        {
            case AvroType.Null:
                break;
            case AvroType.Boolean:
                reader.ReadBoolean();
                break;
            case AvroType.Int:
                reader.ReadInt();
                break;
            case AvroType.Long:
                reader.ReadLong();
                break;
            case AvroType.Float:
                reader.Skip(4);
                break;
            case AvroType.Double:
                reader.Skip(8);
                break;
            case AvroType.Bytes:
            case AvroType.String:
                reader.SkipBytes();
                break;
            case AvroType.Fixed:
                reader.Skip(((FixedSchema)schema).Size);
                break;
            case AvroType.Enum:
                reader.ReadEnum(((EnumSchema)schema).Symbols.Count);
                break;
            case AvroType.Record:
                foreach (var field in ((RecordSchema)schema).Fields)
                {
                    Skip(ref reader, field.Schema);
                }

                break;
            case AvroType.Array:
                SkipBlocks(ref reader, ((ArraySchema)schema).Items, isMap: false);
                break;
            case AvroType.Map:
                SkipBlocks(ref reader, ((MapSchema)schema).Values, isMap: true);
                break;
            case AvroType.Union:
                var union = (UnionSchema)schema;
                Skip(ref reader, union.Branches[reader.ReadUnionIndex(union.Branches.Count)]);
                break;
        }
    }

    private static void SkipBlocks(ref AvroBinaryReader reader, AvroSchema items, bool isMap)
    {
        var minItemSize = isMap ? 1 : SchemaSizes.MinEncodedSize(items);
        long total = 0;
        while (true)
        {
            var start = reader.Position;
            var count = reader.ReadBlockHeader(out var byteSize);
            if (count == 0)
            {
                return;
            }

            if (byteSize >= 0)
            {
                reader.Skip(byteSize);
                continue;
            }

            if (minItemSize > 0 && count > reader.Remaining / minItemSize)
            {
                throw reader.Error($"a block claims {count} items but only {reader.Remaining} bytes remain", start);
            }

            total += count;
            if (minItemSize == 0 && total > AvroLimits.MaxZeroSizeItems)
            {
                throw reader.Error($"an array claims {total} items of a zero-byte type, more than the limit of {AvroLimits.MaxZeroSizeItems}", start);
            }

            for (long i = 0; i < count; i++)
            {
                if (isMap)
                {
                    reader.SkipBytes();
                }

                Skip(ref reader, items);
            }
        }
    }
}

/// <summary>Bounds that keep hostile input from making readers allocate without limit.</summary>
public static class AvroLimits
{
    /// <summary>
    /// The most items one array may hold, over all its blocks, when its items take no bytes (null, fixed(0),
    /// empty records): such counts cannot be checked against the remaining input, so a few hostile bytes could
    /// otherwise claim billions of items.
    /// </summary>
    public const long MaxZeroSizeItems = 1 << 20;

    /// <summary>The largest container file block (compressed or decompressed) readers accept by default: 256 MiB.</summary>
    public const int MaxContainerBlockLength = 256 * 1024 * 1024;
}
