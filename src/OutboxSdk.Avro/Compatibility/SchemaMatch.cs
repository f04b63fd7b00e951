using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Compatibility;

/// <summary>
/// The shallow "match" of the Avro specification's "Schema Resolution" (the list after "To match, one of the
/// following must hold"), used to choose a union branch before resolving it recursively.
/// </summary>
internal static class SchemaMatch
{
    /// <summary>True when the non-union <paramref name="reader"/> matches the non-union <paramref name="writer"/>.</summary>
    public static bool Matches(AvroSchema reader, AvroSchema writer)
    {
        // see Avro spec, "Logical Types" / "Decimal": two decimals match only if their scales and precisions match.
        if (DecimalsDiffer(reader, writer))
        {
            return false;
        }

        if (reader.Type != writer.Type)
        {
            return IsPromotion(writer.Type, reader.Type);
        }

        return reader switch
        {
            FixedSchema r => NamesMatch(r, (FixedSchema)writer) && r.Size == ((FixedSchema)writer).Size,
            NamedSchema r => NamesMatch(r, (NamedSchema)writer),
            // Primitives of one type, and arrays or maps, match on the type alone; their contents resolve later.
            _ => true,
        };
    }

    /// <summary>see Avro spec, "Schema Resolution": "the writer's schema may be promoted to the reader's".</summary>
    public static bool IsPromotion(AvroType writer, AvroType reader) => (writer, reader) switch
    {
        (AvroType.Int, AvroType.Long or AvroType.Float or AvroType.Double) => true,
        (AvroType.Long, AvroType.Float or AvroType.Double) => true,
        (AvroType.Float, AvroType.Double) => true,
        (AvroType.String, AvroType.Bytes) => true,
        (AvroType.Bytes, AvroType.String) => true,
        _ => false,
    };

    /// <summary>
    /// Names match when the unqualified names are equal (see Avro spec, "Schema Resolution": "with the same
    /// (unqualified) name"), or a reader alias is the writer's full name (see Avro spec, "Aliases": the reader's
    /// aliases rewrite the writer's schema, so an alias acts as the writer's name).
    /// </summary>
    public static bool NamesMatch(NamedSchema reader, NamedSchema writer)
    {
        if (reader.Name.Name == writer.Name.Name)
        {
            return true;
        }

        foreach (var alias in reader.Aliases)
        {
            if (alias.FullName == writer.FullName)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when both schemas are decimals with a different precision or scale.</summary>
    public static bool DecimalsDiffer(AvroSchema reader, AvroSchema writer) =>
        reader.LogicalType is { Kind: LogicalTypeKind.Decimal } r
        && writer.LogicalType is { Kind: LogicalTypeKind.Decimal } w
        && (r.Precision != w.Precision || r.Scale != w.Scale);
}
