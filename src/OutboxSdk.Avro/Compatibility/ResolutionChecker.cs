using System.Globalization;
using System.Runtime.CompilerServices;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Compatibility;

/// <summary>
/// Walks a reader and a writer schema together and collects every way the reader fails to resolve the writer
/// (see Avro spec, "Schema Resolution"). Paths follow <see cref="Incompatibility.ReaderPath"/>.
/// </summary>
internal sealed class ResolutionChecker
{
    private readonly List<Incompatibility> _found = [];

    // Record pairs already checked or being checked. A pair met again while on the stack is a recursive type:
    // assuming it compatible is sound because its own check, still running, reports whatever is wrong with it.
    // A pair met again after its check finished has been reported already (at its first path).
    private readonly HashSet<(RecordSchema Reader, RecordSchema Writer)> _visited = new(PairComparer.Instance);

    private ResolutionChecker() { }

    public static List<Incompatibility> Check(AvroSchema reader, AvroSchema writer)
    {
        var checker = new ResolutionChecker();
        checker.Resolve(reader, writer, "$", null);
        return checker._found;
    }

    // "where" names the nearest reader field, for messages; null at the root.
    private void Resolve(AvroSchema reader, AvroSchema writer, string path, string? where)
    {
        // see Avro spec, "Schema Resolution": if the writer's is a union, the branch it wrote is resolved against
        // the reader; statically the writer may have written any branch, so every branch must resolve.
        if (writer is UnionSchema writerUnion)
        {
            foreach (var branch in writerUnion.Branches)
            {
                Resolve(reader, branch, path, where);
            }

            return;
        }

        // "if reader's is a union, but writer's is not: the first schema in the reader's union that matches the
        // writer's schema is recursively resolved against it. If none match, an error is signalled."
        // Matching includes promotion, so this is the first match in declaration order, not an exact match first.
        if (reader is UnionSchema readerUnion)
        {
            foreach (var branch in readerUnion.Branches)
            {
                if (SchemaMatch.Matches(branch, writer))
                {
                    Resolve(branch, writer, path, where);
                    return;
                }
            }

            Add(IncompatibilityKind.MissingUnionBranch, path, where,
                $"no branch of the reader's {Describe(reader)} can read the writer's {Describe(writer)}");
            return;
        }

        ResolveNonUnion(reader, writer, path, where);
    }

    private void ResolveNonUnion(AvroSchema reader, AvroSchema writer, string path, string? where)
    {
        if (SchemaMatch.DecimalsDiffer(reader, writer))
        {
            Add(IncompatibilityKind.DecimalMismatch, path, where,
                $"the reader's {Describe(reader)} differs from the writer's {Describe(writer)}: " +
                "decimals resolve only when precision and scale are both equal");
        }

        if (reader.Type != writer.Type)
        {
            if (!SchemaMatch.IsPromotion(writer.Type, reader.Type))
            {
                Add(IncompatibilityKind.TypeMismatch, path, where,
                    $"the reader expects {Describe(reader)} but the writer can write {Describe(writer)}, " +
                    $"which does not promote to {reader.TypeName}");
            }

            return;
        }

        switch (reader)
        {
            case RecordSchema record:
                ResolveRecord(record, (RecordSchema)writer, path, where);
                break;
            case EnumSchema enumSchema:
                ResolveEnum(enumSchema, (EnumSchema)writer, path, where);
                break;
            case FixedSchema fixedSchema:
                ResolveFixed(fixedSchema, (FixedSchema)writer, path, where);
                break;
            case ArraySchema array:
                Resolve(array.Items, ((ArraySchema)writer).Items, path + "[]", Inside("the items of", where));
                break;
            case MapSchema map:
                Resolve(map.Values, ((MapSchema)writer).Values, path + "{}", Inside("the values of", where));
                break;
        }
    }

    private void ResolveRecord(RecordSchema reader, RecordSchema writer, string path, string? where)
    {
        if (!_visited.Add((reader, writer)))
        {
            return;
        }

        CheckNames(reader, writer, path, where);

        // see Avro spec, "Schema Resolution", records: fields match by name (or a reader field's alias); writer
        // fields the reader lacks are skipped; a reader field the writer lacks takes its default, or it is an error.
        foreach (var field in reader.Fields)
        {
            var fieldPath = path + "." + field.Name;
            var fieldWhere = $"field '{field.Name}' (in record {reader.FullName})";
            var writerField = FindWriterField(field, writer);
            if (writerField is not null)
            {
                Resolve(field.Schema, writerField.Schema, fieldPath, fieldWhere);
            }
            else if (!field.HasDefault)
            {
                var aliases = field.Aliases.Count == 0 ? "" : " (nor one named by its aliases " + Quote(field.Aliases) + ")";
                _found.Add(new Incompatibility(IncompatibilityKind.ReaderFieldMissingDefault, fieldPath,
                    $"{fieldWhere} has no default and the writer's record {writer.FullName} has no such field{aliases}: " +
                    "data written without it cannot be read"));
            }
        }
    }

    // The field's own name first, then its aliases in order: an alias names a former name of this field.
    private static RecordField? FindWriterField(RecordField readerField, RecordSchema writer)
    {
        if (writer.GetField(readerField.Name) is { } byName)
        {
            return byName;
        }

        foreach (var alias in readerField.Aliases)
        {
            if (writer.GetField(alias) is { } byAlias)
            {
                return byAlias;
            }
        }

        return null;
    }

    private void ResolveEnum(EnumSchema reader, EnumSchema writer, string path, string? where)
    {
        CheckNames(reader, writer, path, where);

        // see Avro spec, "Schema Resolution", enums: an unknown writer symbol takes the reader's default, if any.
        if (reader.Default is not null)
        {
            return;
        }

        var missing = writer.Symbols.Where(symbol => reader.IndexOf(symbol) < 0).ToList();
        if (missing.Count > 0)
        {
            Add(IncompatibilityKind.MissingEnumSymbols, path, where,
                $"the reader's enum {reader.FullName} lacks the writer's symbol{(missing.Count == 1 ? "" : "s")} " +
                $"{Quote(missing)} and has no default symbol: data written with {(missing.Count == 1 ? "it" : "them")} cannot be read");
        }
    }

    private void ResolveFixed(FixedSchema reader, FixedSchema writer, string path, string? where)
    {
        CheckNames(reader, writer, path, where);
        if (reader.Size != writer.Size)
        {
            Add(IncompatibilityKind.FixedSizeMismatch, path, where, string.Create(CultureInfo.InvariantCulture,
                $"the reader's fixed {reader.FullName} holds {reader.Size} bytes but the writer's {writer.FullName} holds {writer.Size}"));
        }
    }

    private void CheckNames(NamedSchema reader, NamedSchema writer, string path, string? where)
    {
        if (!SchemaMatch.NamesMatch(reader, writer))
        {
            var kind = AvroTypeName(reader);
            Add(IncompatibilityKind.NameMismatch, path, where,
                $"the reader's {kind} {reader.FullName} does not match the writer's {kind} {writer.FullName}: " +
                $"the names differ and the reader has no alias {writer.FullName}");
        }
    }

    private void Add(IncompatibilityKind kind, string path, string? where, string reason) =>
        _found.Add(new Incompatibility(kind, path, where is null ? reason : where + ": " + reason));

    private static string? Inside(string what, string? where) => where is null ? null : what + " " + where;

    private static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(name => "'" + name + "'"));

    private static string AvroTypeName(AvroSchema schema) => schema.Type.ToString().ToLowerInvariant();

    internal static string Describe(AvroSchema schema) => schema switch
    {
        FixedSchema f when f.LogicalType is { } logical =>
            string.Create(CultureInfo.InvariantCulture, $"fixed {f.FullName} (size {f.Size}, {DescribeLogical(logical)})"),
        FixedSchema f => string.Create(CultureInfo.InvariantCulture, $"fixed {f.FullName} (size {f.Size})"),
        NamedSchema n => AvroTypeName(n) + " " + n.FullName,
        ArraySchema a => "array of " + Describe(a.Items),
        MapSchema m => "map of " + Describe(m.Values),
        UnionSchema u => "union [" + string.Join(", ", u.Branches.Select(b => b.TypeName)) + "]",
        { LogicalType: { } logical } => schema.TypeName + " (" + DescribeLogical(logical) + ")",
        _ => schema.TypeName,
    };

    private static string DescribeLogical(LogicalType logical) => logical.Kind == LogicalTypeKind.Decimal
        ? string.Create(CultureInfo.InvariantCulture, $"decimal({logical.Precision}, {logical.Scale})")
        : logical.Name;

    private sealed class PairComparer : IEqualityComparer<(RecordSchema Reader, RecordSchema Writer)>
    {
        public static PairComparer Instance { get; } = new();

        public bool Equals((RecordSchema Reader, RecordSchema Writer) x, (RecordSchema Reader, RecordSchema Writer) y) =>
            ReferenceEquals(x.Reader, y.Reader) && ReferenceEquals(x.Writer, y.Writer);

        public int GetHashCode((RecordSchema Reader, RecordSchema Writer) obj) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Reader), RuntimeHelpers.GetHashCode(obj.Writer));
    }
}
