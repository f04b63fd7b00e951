using OutboxSdk.Avro.Compatibility;
using OutboxSdk.Avro.IO;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Resolution;

/// <summary>
/// Compiles the specification's resolution rules for a writer and a reader schema into a <see cref="ReadPlan"/>
/// (see Avro spec, "Schema Resolution"). What can never resolve throws <see cref="AvroResolutionException"/>
/// at once; what fails only for some data (a union branch the reader lacks, an enum symbol without a reader
/// default) fails when such data is read.
/// </summary>
internal sealed class SchemaResolver
{
    private readonly Dictionary<(AvroSchema Writer, AvroSchema Reader), RecordPlan> _records = [];

    private SchemaResolver() { }

    public static ReadPlan Resolve(AvroSchema writer, AvroSchema reader) => new SchemaResolver().Build(writer, reader, "");

    /// <summary>Why <paramref name="writer"/> cannot be read as <paramref name="reader"/> at the top level, or null if it matches.</summary>
    public static string? Mismatch(AvroSchema writer, AvroSchema reader)
    {
        if (writer.Type == AvroType.Union || reader.Type == AvroType.Union)
        {
            return null;
        }

        return Matches(writer, reader) ? null : $"the writer's {Describe(writer)} cannot be read as the reader's {Describe(reader)}";
    }

    private ReadPlan Build(AvroSchema writer, AvroSchema reader, string path)
    {
        if (writer.Type == AvroType.Union)
        {
            var branches = ((UnionSchema)writer).Branches;
            var plans = new ReadPlan[branches.Count];
            for (var i = 0; i < plans.Length; i++)
            {
                plans[i] = TryBuildBranch(branches[i], reader, path);
            }

            return new WriterUnionPlan(plans);
        }

        if (reader.Type == AvroType.Union)
        {
            var branch = SelectReaderBranch(writer, (UnionSchema)reader);
            return branch is null
                ? throw new AvroResolutionException(path, $"no branch of the reader's union {reader} matches the writer's {Describe(writer)}")
                : Build(writer, branch, path);
        }

        if (!Matches(writer, reader))
        {
            throw new AvroResolutionException(path, $"the writer's {Describe(writer)} cannot be read as the reader's {Describe(reader)}");
        }

        return writer.Type switch
        {
            AvroType.Record => BuildRecord((RecordSchema)writer, (RecordSchema)reader, path),
            AvroType.Enum => new EnumPlan((EnumSchema)writer, (EnumSchema)reader),
            AvroType.Fixed => new FixedPlan((FixedSchema)reader),
            AvroType.Array => new ArrayPlan(Build(((ArraySchema)writer).Items, ((ArraySchema)reader).Items, path + "[]"),
                SchemaSizes.MinEncodedSize(((ArraySchema)writer).Items)),
            AvroType.Map => new MapPlan(Build(((MapSchema)writer).Values, ((MapSchema)reader).Values, path + "{}")),
            _ => new PrimitivePlan(writer.Type, reader.Type),
        };
    }

    // A writer union branch the reader cannot read is an error only if data of that branch arrives.
    private ReadPlan TryBuildBranch(AvroSchema writerBranch, AvroSchema reader, string path)
    {
        try
        {
            return Build(writerBranch, reader, path);
        }
        catch (AvroResolutionException e)
        {
            return new ErrorPlan(e.Path, $"data written as the writer's union branch {writerBranch.TypeName} cannot be read: {e.Reason}");
        }
    }

    private RecordPlan BuildRecord(RecordSchema writer, RecordSchema reader, string path)
    {
        if (_records.TryGetValue((writer, reader), out var existing))
        {
            return existing;
        }

        var plan = new RecordPlan(reader);
        _records.Add((writer, reader), plan);

        var steps = new (int, ReadPlan)[writer.Fields.Count];
        var filled = new bool[reader.Fields.Count];
        for (var i = 0; i < writer.Fields.Count; i++)
        {
            var writerField = writer.Fields[i];
            var readerField = FindReaderField(reader, writerField.Name);
            if (readerField is null)
            {
                steps[i] = (-1, new SkipPlan(writerField.Schema));
                continue;
            }

            filled[readerField.Position] = true;
            steps[i] = (readerField.Position, Build(writerField.Schema, readerField.Schema, Join(path, reader, readerField)));
        }

        var defaults = new List<RecordField>();
        foreach (var readerField in reader.Fields)
        {
            if (filled[readerField.Position])
            {
                continue;
            }

            if (!readerField.HasDefault)
            {
                throw new AvroResolutionException(Join(path, reader, readerField),
                    $"the reader's field '{readerField.Name}' is not in the writer's record {writer.FullName} and has no default");
            }

            defaults.Add(readerField);
        }

        plan.Complete(steps, [.. defaults]);
        return plan;
    }

    // A reader field matches a writer field by name, or by one of the reader field's aliases.
    private static RecordField? FindReaderField(RecordSchema reader, string writerFieldName)
    {
        var byName = reader.GetField(writerFieldName);
        if (byName is not null)
        {
            return byName;
        }

        foreach (var field in reader.Fields)
        {
            if (field.Aliases.Contains(writerFieldName))
            {
                return field;
            }
        }

        return null;
    }

    /// <summary>
    /// The reader branch that reads a non-union writer schema: the first that matches it exactly, else the first
    /// that matches by promotion (as Apache Avro's Java resolver does, so int stays int in ["long","int"]).
    /// </summary>
    internal static AvroSchema? SelectReaderBranch(AvroSchema writer, UnionSchema reader)
    {
        foreach (var branch in reader.Branches)
        {
            if (branch.Type == writer.Type && Matches(writer, branch))
            {
                return branch;
            }
        }

        foreach (var branch in reader.Branches)
        {
            if (Matches(writer, branch))
            {
                return branch;
            }
        }

        return null;
    }

    internal static bool Matches(AvroSchema writer, AvroSchema reader) => SchemaMatch.Matches(reader, writer);

    private static string Join(string path, RecordSchema reader, RecordField field) =>
        (path.Length == 0 ? reader.Name.Name : path) + "." + field.Name;

    private static string Describe(AvroSchema schema) => schema switch
    {
        FixedSchema f => $"fixed {f.FullName} (size {f.Size})",
        NamedSchema n => $"{AvroTypeNames.Of(n.Type)} {n.FullName}",
        _ => schema.TypeName,
    };
}
