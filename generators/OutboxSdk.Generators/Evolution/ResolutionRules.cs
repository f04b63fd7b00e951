using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;

namespace OutboxSdk.Generators.Evolution;

/// <summary>One way a reader schema fails to read a writer's data: where (reader path) and why.</summary>
internal sealed record SchemaBreak(string ReaderPath, string Message);

/// <summary>
/// The Avro specification's "Schema Resolution" rules over <see cref="SchemaNode"/>s, decided statically: the
/// same rules, paths and messages as the runtime's <c>OutboxSdk.Avro.Compatibility.SchemaCompatibility.CanRead</c>
/// (a test compares the two on many schema pairs). Paths: <c>$</c> the root, <c>.name</c> a field, <c>[]</c>
/// array items, <c>{}</c> map values.
/// </summary>
internal sealed class ResolutionRules
{
    private readonly List<SchemaBreak> _found = [];

    // Record pairs checked or being checked: met again on the stack it is a recursive type (its running check
    // reports what is wrong); met again afterwards it has been reported at its first path already.
    private readonly HashSet<(RecordNode Reader, RecordNode Writer)> _visited = new(PairComparer.Instance);

    private ResolutionRules() { }

    /// <summary>Every reason <paramref name="reader"/> cannot read data written with <paramref name="writer"/>.</summary>
    public static List<SchemaBreak> CanRead(SchemaNode reader, SchemaNode writer)
    {
        var rules = new ResolutionRules();
        rules.Resolve(reader, writer, "$", null);
        return rules._found;
    }

    private void Resolve(SchemaNode reader, SchemaNode writer, string path, string? where)
    {
        // see Avro spec, "Schema Resolution": the writer may have written any branch of its union, so each must resolve.
        if (writer is UnionNode writerUnion)
        {
            foreach (var branch in writerUnion.Branches)
            {
                Resolve(reader, branch, path, where);
            }

            return;
        }

        // "the first schema in the reader's union that matches the writer's schema is recursively resolved against it"
        if (reader is UnionNode readerUnion)
        {
            var match = readerUnion.Branches.FirstOrDefault(branch => Matches(branch, writer));
            if (match is null)
            {
                Add(path, where, "no branch of the reader's " + SchemaNode.Describe(reader) + " can read the writer's " + SchemaNode.Describe(writer));
            }
            else
            {
                Resolve(match, writer, path, where);
            }

            return;
        }

        if (DecimalsDiffer(reader, writer))
        {
            Add(path, where, "the reader's " + SchemaNode.Describe(reader) + " differs from the writer's " + SchemaNode.Describe(writer) + ": " +
                "decimals resolve only when precision and scale are both equal");
        }

        if (reader.Kind != writer.Kind)
        {
            if (!IsPromotion(writer.Kind, reader.Kind))
            {
                Add(path, where, "the reader expects " + SchemaNode.Describe(reader) + " but the writer can write " + SchemaNode.Describe(writer) +
                    ", which does not promote to " + reader.TypeName);
            }

            return;
        }

        switch (reader)
        {
            case RecordNode record:
                ResolveRecord(record, (RecordNode)writer, path, where);
                break;
            case EnumNode enumNode:
                ResolveEnum(enumNode, (EnumNode)writer, path, where);
                break;
            case FixedNode fixedNode:
                CheckNames(fixedNode, (FixedNode)writer, path, where);
                var writerSize = ((FixedNode)writer).Size;
                if (fixedNode.Size != writerSize)
                {
                    Add(path, where, "the reader's fixed " + fixedNode.FullName + " holds " + Number(fixedNode.Size) + " bytes but the writer's " +
                        ((FixedNode)writer).FullName + " holds " + Number(writerSize));
                }

                break;
            case ArrayNode array:
                Resolve(array.Items, ((ArrayNode)writer).Items, path + "[]", Inside("the items of", where));
                break;
            case MapNode map:
                Resolve(map.Values, ((MapNode)writer).Values, path + "{}", Inside("the values of", where));
                break;
        }
    }

    // see Avro spec, "Schema Resolution", records: fields match by name or a reader field's alias; writer fields the
    // reader lacks are skipped; a reader field the writer lacks takes its default, or the data cannot be read.
    private void ResolveRecord(RecordNode reader, RecordNode writer, string path, string? where)
    {
        if (!_visited.Add((reader, writer)))
        {
            return;
        }

        CheckNames(reader, writer, path, where);
        foreach (var field in reader.Fields)
        {
            var fieldPath = path + "." + field.Name;
            var fieldWhere = "field '" + field.Name + "' (in record " + reader.FullName + ")";
            var writerField = writer.GetField(field.Name) ?? field.Aliases.Select(writer.GetField).FirstOrDefault(f => f is not null);
            if (writerField is not null)
            {
                Resolve(field.Schema, writerField.Schema, fieldPath, fieldWhere);
            }
            else if (!field.HasDefault)
            {
                var aliases = field.Aliases.Count == 0 ? "" : " (nor one named by its aliases " + Quote(field.Aliases) + ")";
                _found.Add(new SchemaBreak(fieldPath, fieldWhere + " has no default and the writer's record " + writer.FullName +
                    " has no such field" + aliases + ": data written without it cannot be read"));
            }
        }
    }

    // see Avro spec, "Schema Resolution", enums: an unknown writer symbol takes the reader's default, if it has one.
    private void ResolveEnum(EnumNode reader, EnumNode writer, string path, string? where)
    {
        CheckNames(reader, writer, path, where);
        if (reader.Default is not null)
        {
            return;
        }

        var missing = writer.Symbols.Where(symbol => !reader.Symbols.Contains(symbol)).ToList();
        if (missing.Count > 0)
        {
            var one = missing.Count == 1;
            Add(path, where, "the reader's enum " + reader.FullName + " lacks the writer's symbol" + (one ? "" : "s") + " " + Quote(missing) +
                " and has no default symbol: data written with " + (one ? "it" : "them") + " cannot be read");
        }
    }

    private void CheckNames(NamedNode reader, NamedNode writer, string path, string? where)
    {
        if (!NamesMatch(reader, writer))
        {
            var kind = SchemaNode.KindName(reader.Kind);
            Add(path, where, "the reader's " + kind + " " + reader.FullName + " does not match the writer's " + kind + " " + writer.FullName +
                ": the names differ and the reader has no alias " + writer.FullName);
        }
    }

    /// <summary>The spec's shallow "match", which picks the reader's union branch.</summary>
    private static bool Matches(SchemaNode reader, SchemaNode writer)
    {
        if (DecimalsDiffer(reader, writer))
        {
            return false;
        }

        if (reader.Kind != writer.Kind)
        {
            return IsPromotion(writer.Kind, reader.Kind);
        }

        return reader switch
        {
            FixedNode r => NamesMatch(r, (FixedNode)writer) && r.Size == ((FixedNode)writer).Size,
            NamedNode r => NamesMatch(r, (NamedNode)writer),
            _ => true,
        };
    }

    // see Avro spec, "Schema Resolution": "the writer's schema may be promoted to the reader's".
    private static bool IsPromotion(SchemaKind writer, SchemaKind reader) => (writer, reader) switch
    {
        (SchemaKind.Int, SchemaKind.Long or SchemaKind.Float or SchemaKind.Double) => true,
        (SchemaKind.Long, SchemaKind.Float or SchemaKind.Double) => true,
        (SchemaKind.Float, SchemaKind.Double) => true,
        (SchemaKind.String, SchemaKind.Bytes) => true,
        (SchemaKind.Bytes, SchemaKind.String) => true,
        _ => false,
    };

    // Same unqualified name, or a reader alias equal to the writer's full name (see Avro spec, "Aliases").
    private static bool NamesMatch(NamedNode reader, NamedNode writer) =>
        reader.Name == writer.Name || reader.Aliases.Contains(writer.FullName);

    private static bool DecimalsDiffer(SchemaNode reader, SchemaNode writer) =>
        reader.IsDecimal && writer.IsDecimal && (reader.Precision != writer.Precision || reader.Scale != writer.Scale);

    private void Add(string path, string? where, string reason) =>
        _found.Add(new SchemaBreak(path, where is null ? reason : where + ": " + reason));

    private static string? Inside(string what, string? where) => where is null ? null : what + " " + where;

    private static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(name => "'" + name + "'"));

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed class PairComparer : IEqualityComparer<(RecordNode Reader, RecordNode Writer)>
    {
        public static PairComparer Instance { get; } = new();

        public bool Equals((RecordNode Reader, RecordNode Writer) x, (RecordNode Reader, RecordNode Writer) y) =>
            ReferenceEquals(x.Reader, y.Reader) && ReferenceEquals(x.Writer, y.Writer);

        public int GetHashCode((RecordNode Reader, RecordNode Writer) obj) =>
            unchecked((RuntimeHelpers.GetHashCode(obj.Reader) * 31) + RuntimeHelpers.GetHashCode(obj.Writer));
    }
}
