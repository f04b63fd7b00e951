using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using OutboxSdk.Generators.Model;

namespace OutboxSdk.Generators.Emitters;

/// <summary>
/// Emits a [ChangeFeed] entity's table (docs/ddl.md): <c>CreateTableSql</c> as a constant on its partial part
/// and, when the OutboxSdk runtime is referenced, a <c>ChangeFeedDescriptor</c> listing the columns. Also owns
/// the naming and type rules, which the parser uses to report members that cannot be columns.
/// </summary>
internal static class DdlEmitter
{
    private const int MaxIdentifierBytes = 63; // NAMEDATALEN - 1: Postgres truncates longer names silently.
    private const string Table = "global::OutboxSdk.ChangeFeed.ChangeFeedTable";
    private const string Column = "global::OutboxSdk.ChangeFeed.ChangeFeedColumn";

    public static string Emit(TypeSpec type, bool withDescriptor)
    {
        var (schema, table) = SplitTable(type.Table!);
        var sql = CreateTableSql(type, schema, table);
        var w = PartialWriter.Open(type);
        w.Line("/// <summary>Creates the table and sets its replica identity; idempotent (CREATE TABLE IF NOT EXISTS). See docs/ddl.md.</summary>");
        w.Line("public const string CreateTableSql = " + SourceWriter.Literal(sql) + ";");
        if (withDescriptor)
        {
            w.Line();
            w.Line("/// <summary>The table's schema, name, replica identity and columns, as the generator derived them.</summary>");
            w.Line("public static " + Table + " ChangeFeedDescriptor { get; } = new " + Table + "(");
            w.Line("    " + (schema is null ? "null" : SourceWriter.Literal(schema)) + ", " + SourceWriter.Literal(table) + ", "
                + "global::OutboxSdk.ReplicaIdentity." + (type.ReplicaIdentity == 1 ? "Full" : "Default") + ",");
            w.Line("    new " + Column + "[]");
            w.Line("    {");
            foreach (var member in type.Members)
            {
                w.Line("        new " + Column + "(" + SourceWriter.Literal(ColumnName(member)) + ", " + SourceWriter.Literal(ColumnType(member.Type)!) + ", "
                    + Bool(member.Type.IsNullable && !member.IsKey) + ", " + Bool(member.IsKey) + ", " + SourceWriter.Literal(member.Name) + "),");
            }

            w.Line("    },");
            w.Line("    CreateTableSql);");
        }

        return PartialWriter.Close(w, type);
    }

    private static string CreateTableSql(TypeSpec type, string? schema, string table)
    {
        var name = (schema is null ? "" : Quote(schema) + ".") + Quote(table);
        var sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").Append(name).Append(" (\n");
        foreach (var member in type.Members)
        {
            sql.Append("    ").Append(Quote(ColumnName(member))).Append(' ').Append(ColumnType(member.Type))
                .Append(member.Type.IsNullable && !member.IsKey ? "" : " NOT NULL").Append(",\n");
        }

        var keys = type.Members.Where(m => m.IsKey).Select(m => Quote(ColumnName(m)));
        sql.Append("    PRIMARY KEY (").Append(string.Join(", ", keys)).Append(")\n);\n");
        sql.Append("ALTER TABLE ").Append(name).Append(" REPLICA IDENTITY ").Append(type.ReplicaIdentity == 1 ? "FULL" : "DEFAULT").Append(";\n");
        return sql.ToString();
    }

    /// <summary>The column of a member: its Avro name in snake_case.</summary>
    public static string ColumnName(MemberSpec member) => SnakeCase(member.AvroName);

    /// <summary>
    /// <c>OrderId</c> → <c>order_id</c>, <c>HTTPStatus</c> → <c>http_status</c>, <c>Line2Total</c> →
    /// <c>line2_total</c>: an underscore before an upper-case letter that follows a lower-case letter or digit, or
    /// that starts a word after an acronym; then all lower case.
    /// </summary>
    public static string SnakeCase(string name)
    {
        var result = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && name[i - 1] != '_'
                && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]))))
            {
                result.Append('_');
            }

            result.Append(char.ToLowerInvariant(c));
        }

        return result.ToString();
    }

    /// <summary>The Postgres type of a member, or null when it is not a column type (records, maps, nested arrays).</summary>
    public static string? ColumnType(TypeRef type) => type.Kind switch
    {
        ValueKind.Array => type.Element is { Kind: not (ValueKind.Array or ValueKind.Map or ValueKind.Record) } element ? ScalarType(element) + "[]" : null,
        ValueKind.Map or ValueKind.Record => null,
        _ => ScalarType(type),
    };

    private static string ScalarType(TypeRef type) => type.Kind switch
    {
        ValueKind.Boolean => "boolean",
        ValueKind.Int => "integer",
        ValueKind.Long => "bigint",
        ValueKind.Float => "real",
        ValueKind.Double => "double precision",
        ValueKind.Bytes or ValueKind.Memory => "bytea",
        ValueKind.Guid => "uuid",
        ValueKind.DateTime or ValueKind.DateTimeOffset => "timestamptz",
        ValueKind.DateOnly => "date",
        ValueKind.TimeOnly => "time",
        ValueKind.TimeSpan => "interval",
        ValueKind.Decimal => "numeric(" + type.Precision.ToString(CultureInfo.InvariantCulture) + "," + type.Scale.ToString(CultureInfo.InvariantCulture) + ")",
        _ => "text", // string, and enums by symbol name
    };

    /// <summary>The attribute's "schema.table" or "table"; <see cref="TableProblem"/> has vetted it.</summary>
    public static (string? Schema, string Table) SplitTable(string table)
    {
        var dot = table.IndexOf('.');
        return dot < 0 ? (null, table) : (table.Substring(0, dot), table.Substring(dot + 1));
    }

    /// <summary>Why a [ChangeFeed] table name is unusable, or null when it is fine.</summary>
    public static string? TableProblem(string? table)
    {
        var parts = (table ?? "").Split('.');
        return parts.Length > 2 ? "write it as \"table\" or \"schema.table\" (one dot at most)"
            : parts.Select(IdentifierProblem).FirstOrDefault(p => p is not null);
    }

    /// <summary>Why an identifier is unusable, or null when Postgres keeps it as written.</summary>
    public static string? IdentifierProblem(string identifier) =>
        identifier.Length == 0 ? "a name part is empty"
        : identifier.IndexOf('\0') >= 0 ? "it contains a NUL character"
        : Encoding.UTF8.GetByteCount(identifier) > MaxIdentifierBytes ? "it is longer than 63 bytes, and Postgres would truncate it"
        : null;

    /// <summary>A quoted identifier, embedded quotes doubled.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    private static string Bool(bool value) => value ? "true" : "false";
}

/// <summary>Opens and closes the partial declaration of a type (with its namespace and containing types).</summary>
internal static class PartialWriter
{
    public static SourceWriter Open(TypeSpec type)
    {
        var w = new SourceWriter();
        w.Line("// <auto-generated/>").Line("#nullable enable").Line();
        if (type.Namespace.Length > 0)
        {
            w.Open("namespace " + type.Namespace);
        }

        foreach (var containing in type.ContainingTypeDeclarations)
        {
            w.Open(containing);
        }

        return w.Open("partial " + type.Keyword + " " + type.Name);
    }

    public static string Close(SourceWriter w, TypeSpec type)
    {
        w.Close();
        foreach (var _ in type.ContainingTypeDeclarations)
        {
            w.Close();
        }

        if (type.Namespace.Length > 0)
        {
            w.Close();
        }

        return w.ToString();
    }
}
