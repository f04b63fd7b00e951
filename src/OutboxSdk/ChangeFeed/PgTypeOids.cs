namespace OutboxSdk.ChangeFeed;

/// <summary>
/// The built-in type OIDs of the column types the generated DDL uses (see PostgreSQL's pg_type.dat; built-in
/// OIDs are fixed across versions), so a Relation message's column types can be compared with the entity's.
/// </summary>
internal static class PgTypeOids
{
    private static readonly Dictionary<string, (uint Scalar, uint Array)> ByName = new(StringComparer.Ordinal)
    {
        ["boolean"] = (16, 1000),
        ["bytea"] = (17, 1001),
        ["bigint"] = (20, 1016),
        ["smallint"] = (21, 1005),
        ["integer"] = (23, 1007),
        ["text"] = (25, 1009),
        ["json"] = (114, 199),
        ["real"] = (700, 1021),
        ["double precision"] = (701, 1022),
        ["character"] = (1042, 1014),
        ["character varying"] = (1043, 1015),
        ["date"] = (1082, 1182),
        ["time"] = (1083, 1183),
        ["timestamp"] = (1114, 1115),
        ["timestamptz"] = (1184, 1185),
        ["interval"] = (1186, 1187),
        ["numeric"] = (1700, 1231),
        ["uuid"] = (2950, 2951),
        ["jsonb"] = (3802, 3807),
    };

    private static readonly Dictionary<uint, string> Names = BuildNames();

    /// <summary>The OID and type modifier of a DDL type such as <c>numeric(18,4)</c> or <c>text[]</c>; OID 0 when unknown.</summary>
    public static (uint Oid, int TypeModifier) Parse(string ddlType)
    {
        var array = ddlType.EndsWith("[]", StringComparison.Ordinal);
        var scalar = array ? ddlType[..^2] : ddlType;
        var modifier = -1;
        var paren = scalar.IndexOf('(', StringComparison.Ordinal);
        if (paren > 0 && scalar.EndsWith(')'))
        {
            var arguments = scalar[(paren + 1)..^1].Split(',');
            scalar = scalar[..paren];
            if (scalar == "numeric" && arguments.Length == 2
                && int.TryParse(arguments[0], NumberStyles.None, CultureInfo.InvariantCulture, out var precision)
                && int.TryParse(arguments[1], NumberStyles.None, CultureInfo.InvariantCulture, out var scale))
            {
                modifier = ((precision << 16) | scale) + 4; // see numeric.c, make_numeric_typmod
            }
        }

        return ByName.TryGetValue(scalar, out var oids) ? (array ? oids.Array : oids.Scalar, modifier) : (0, modifier);
    }

    /// <summary>A type for messages: <c>numeric(20,6)</c>, <c>text[]</c>, or <c>type OID 16385</c> for one not listed here.</summary>
    public static string Describe(uint oid, int typeModifier)
    {
        if (!Names.TryGetValue(oid, out var name))
        {
            return "type OID " + oid.ToString(CultureInfo.InvariantCulture);
        }

        if ((oid is 1700 or 1231) && typeModifier >= 4)
        {
            var bits = typeModifier - 4;
            var arguments = "(" + (bits >> 16).ToString(CultureInfo.InvariantCulture) + "," + (bits & 0xFFFF).ToString(CultureInfo.InvariantCulture) + ")";
            return oid == 1700 ? "numeric" + arguments : "numeric" + arguments + "[]";
        }

        return name;
    }

    private static Dictionary<uint, string> BuildNames()
    {
        var names = new Dictionary<uint, string>();
        foreach (var (name, (scalar, array)) in ByName)
        {
            names[scalar] = name;
            names[array] = name + "[]";
        }

        return names;
    }
}
