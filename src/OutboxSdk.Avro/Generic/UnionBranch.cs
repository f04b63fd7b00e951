using System.Collections;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Generic;

/// <summary>Chooses the union branch a generic datum is written as.</summary>
internal static class UnionBranch
{
    /// <summary>
    /// The first branch whose type holds <paramref name="datum"/> exactly; failing that, the first that holds it
    /// by promotion (int to long, float or double; long to float or double; float to double). -1 when none does.
    /// </summary>
    public static int Select(UnionSchema union, object? datum)
    {
        var branches = union.Branches;
        for (var i = 0; i < branches.Count; i++)
        {
            if (IsExact(branches[i], datum))
            {
                return i;
            }
        }

        for (var i = 0; i < branches.Count; i++)
        {
            if (IsPromotable(branches[i].Type, datum))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsExact(AvroSchema branch, object? datum) => branch.Type switch
    {
        AvroType.Null => datum is null,
        AvroType.Boolean => datum is bool,
        AvroType.Int => datum is int,
        AvroType.Long => datum is long,
        AvroType.Float => datum is float,
        AvroType.Double => datum is double,
        AvroType.Bytes => datum is byte[] or ReadOnlyMemory<byte>,
        AvroType.String => datum is string,
        AvroType.Record => datum is GenericRecord r && r.Schema.FullName == ((RecordSchema)branch).FullName,
        AvroType.Enum => datum is GenericEnum e && e.Schema.FullName == ((EnumSchema)branch).FullName,
        AvroType.Fixed => datum is GenericFixed f && f.Schema.FullName == ((FixedSchema)branch).FullName,
        AvroType.Array => datum is IList and not byte[],
        AvroType.Map => datum is IDictionary,
        _ => false,
    };

    private static bool IsPromotable(AvroType type, object? datum) => type switch
    {
        AvroType.Long => datum is int,
        AvroType.Float => datum is int or long,
        AvroType.Double => datum is int or long or float,
        _ => false,
    };
}
