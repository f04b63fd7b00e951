using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Tests.Interop;

/// <summary>
/// Where Apache.Avro 1.12.2 departs from the spec and we follow it (docs/avro.md, "Where Apache.Avro disagrees").
/// The cross-checks leave such schemas out; <see cref="ApacheAvroDisagreementTests"/> pins each difference.
/// </summary>
internal static class ApacheAvroDifferences
{
    /// <summary>Why Apache.Avro cannot read or write <paramref name="schema"/>'s data as the spec says, or null.</summary>
    public static string? Of(AvroSchema schema) =>
        NullNamespaceInsideNamespace(schema, null, []) ? "the null namespace inside a namespace" : Find(schema, [], canonicalForm: false);

    /// <summary>As <see cref="Of"/>, and also where Apache.Avro prints a wrong Parsing Canonical Form.</summary>
    public static string? OfCanonicalForm(AvroSchema schema) =>
        NullNamespaceInsideNamespace(schema, null, []) ? "the null namespace inside a namespace" : Find(schema, [], canonicalForm: true);

    /// <summary>
    /// Whether Apache.Avro printed a primitive that carries attributes as <c>{"type": {"type": "bytes", …}}</c>,
    /// which the spec's form <c>{"type": "typeName", …attributes…}</c> does not allow and we reject
    /// (see Avro spec, "Schema Declaration").
    /// </summary>
    public static bool NestsPrimitiveTypes(string apacheJson) =>
        System.Text.RegularExpressions.Regex.IsMatch(apacheJson, "\\{\"type\":\\{\"type\":\"(null|boolean|int|long|float|double|bytes|string)\"");

    // see Avro spec, "Names": "The empty string may also be used as a namespace to indicate the null namespace."
    // Apache.Avro reads "namespace": "" as "inherit the enclosing namespace".
    private static bool NullNamespaceInsideNamespace(AvroSchema schema, string? enclosing, HashSet<AvroSchema> seen)
    {
        if (schema is NamedSchema named)
        {
            if (!seen.Add(schema))
            {
                return false;
            }

            string? space = named.Name.Namespace;
            if (string.IsNullOrEmpty(space) && !string.IsNullOrEmpty(enclosing))
            {
                return true;
            }

            enclosing = space;
        }

        return schema switch
        {
            RecordSchema record => record.Fields.Any(f => NullNamespaceInsideNamespace(f.Schema, enclosing, seen)),
            ArraySchema array => NullNamespaceInsideNamespace(array.Items, enclosing, seen),
            MapSchema map => NullNamespaceInsideNamespace(map.Values, enclosing, seen),
            UnionSchema union => union.Branches.Any(b => NullNamespaceInsideNamespace(b, enclosing, seen)),
            _ => false,
        };
    }

    private static string? Find(AvroSchema schema, HashSet<AvroSchema> seen, bool canonicalForm)
    {
        if (schema is NamedSchema && !seen.Add(schema))
        {
            return null;
        }

        return schema switch
        {
            // see Avro spec, "Fixed": size is the number of bytes per value; zero is not excluded.
            FixedSchema { Size: 0 } => "fixed of size 0",
            // see Avro spec, "Parsing Canonical Form for Schemas": [STRIP] drops logicalType, [FULLNAMES] names in full.
            FixedSchema @fixed when canonicalForm && (@fixed.LogicalType is not null || @fixed.Properties.ContainsKey("logicalType"))
                => "a fixed with a logical type (canonical form)",
            // Protocols' error type, parsed as a schema: Apache.Avro's canonical form of one is its bare name.
            RecordSchema { IsError: true } when canonicalForm => "an error record (canonical form)",
            RecordSchema record => record.Fields.Select(f => Find(f.Schema, seen, canonicalForm)).FirstOrDefault(r => r is not null),
            ArraySchema array => Find(array.Items, seen, canonicalForm),
            MapSchema map => Find(map.Values, seen, canonicalForm),
            UnionSchema union => union.Branches.Select(b => Find(b, seen, canonicalForm)).FirstOrDefault(r => r is not null),
            _ => null,
        };
    }
}
