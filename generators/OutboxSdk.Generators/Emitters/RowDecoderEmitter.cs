using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using OutboxSdk.Generators.Model;

namespace OutboxSdk.Generators.Emitters;

/// <summary>
/// Emits a [ChangeFeed] entity's <c>FromRow(PgRow …)</c>: each member read from its column by name (text or
/// binary format) and the entity built the way its Avro codec builds it (constructor, then initializers).
/// A missing column, a NULL for a non-nullable member, an unconvertible value or unresolved unchanged TOAST
/// is a <c>PgRowException</c>; nothing falls back to a default value.
/// </summary>
internal static class RowDecoderEmitter
{
    private const string Ns = "global::OutboxSdk.ChangeFeed.";
    private const string Row = Ns + "PgRow";
    private const string Kind = Ns + "PgColumnKind";
    private const string Toast = "global::OutboxSdk.ToastPolicy";
    private const string Value = Ns + "PgValue";

    public static string Emit(TypeSpec type)
    {
        var t = type.FullyQualifiedName;
        var w = PartialWriter.Open(type);
        w.Line("/// <summary>Builds the entity from a change-feed row; an unchanged TOAST column throws (see docs/ddl.md).</summary>");
        w.Line($"public static {t} FromRow({Row} row) => FromRow(row, {Toast}.Throw, default);");
        w.Line();
        w.Line("/// <summary>Builds the entity from a change-feed row; unchanged TOAST columns follow <paramref name=\"toast\"/>, taking values from <paramref name=\"previous\"/> under UsePrevious.</summary>");
        using (w.Block($"public static {t} FromRow({Row} row, {Toast} toast, {t}? previous)"))
        {
            w.Line("global::System.ArgumentNullException.ThrowIfNull(row);");
            for (var i = 0; i < type.Members.Count; i++)
            {
                ReadMember(w, type.Members[i], i.ToString(CultureInfo.InvariantCulture));
            }

            var locals = type.Members.Select((_, i) => "f" + i.ToString(CultureInfo.InvariantCulture)).ToList();
            var arguments = type.Members.Select((m, i) => (m, i)).Where(x => x.m.ConstructorParameter >= 0)
                .OrderBy(x => x.m.ConstructorParameter).Select(x => locals[x.i]);
            var initializers = type.Members.Select((m, i) => (m, i)).Where(x => x.m.ConstructorParameter < 0)
                .Select(x => x.m.Name + " = " + locals[x.i]).ToList();
            var construct = "new " + t + "(" + string.Join(", ", arguments) + ")";
            w.Line(initializers.Count == 0 ? "return " + construct + ";" : "return " + construct + " { " + string.Join(", ", initializers) + " };");
        }

        EmitKeyFromRow(w, type);
        return PartialWriter.Close(w, type);
    }

    /// <summary>
    /// <c>KeyFromRow</c>: the primary key members only, boxed in key order. An old row under REPLICA IDENTITY
    /// DEFAULT carries nothing else, so the change feed names the deleted row from it without inventing the rest.
    /// </summary>
    private static void EmitKeyFromRow(SourceWriter w, TypeSpec type)
    {
        w.Line();
        w.Line("/// <summary>The primary key members read from a change-feed row (whole or key-only), in key order.</summary>");
        using (w.Block($"public static object[] KeyFromRow({Row} row)"))
        {
            w.Line("global::System.ArgumentNullException.ThrowIfNull(row);");
            var keys = type.Members.Select((m, i) => (m, i)).Where(x => x.m.IsKey).ToList();
            foreach (var (member, i) in keys)
            {
                var n = i.ToString(CultureInfo.InvariantCulture);
                w.Line($"var i{n} = row.RequireColumn({SourceWriter.Literal(DdlEmitter.ColumnName(member))});");
                w.Line($"object k{n} = row.KindAt(i{n}) switch");
                w.Line("{");
                w.Line($"    {Kind}.Null => throw row.NullNotAllowed(i{n}),");
                w.Line($"    {Kind}.UnchangedToast => throw row.UnchangedToast(i{n}, {Toast}.Throw),");
                w.Line($"    _ => row.Parse(i{n}, static (format, value) => {Parse(member.Type, "format", "value", 2)}),");
                w.Line("};");
            }

            w.Line("return new object[] { " + string.Join(", ", keys.Select(x => "k" + x.i.ToString(CultureInfo.InvariantCulture))) + " };");
        }
    }

    private static void ReadMember(SourceWriter w, MemberSpec member, string n)
    {
        var index = "i" + n;
        var local = "f" + n;
        w.Line($"var {index} = row.RequireColumn({SourceWriter.Literal(DdlEmitter.ColumnName(member))});");
        w.Line($"{Declared(member.Type)} {local};");
        w.Open($"switch (row.KindAt({index}))");
        w.Line($"case {Kind}.Null:");
        w.Line(member.Type.IsNullable ? $"    {local} = null; break;" : $"    throw row.NullNotAllowed({index});");
        w.Line($"case {Kind}.UnchangedToast:");
        w.Line($"    {local} = toast == {Toast}.UsePrevious && previous is {{ }} p{n} ? p{n}.{member.Name} : throw row.UnchangedToast({index}, toast); break;");
        w.Line("default:");
        w.Line($"    {local} = row.Parse({index}, static (format, value) => {Parse(member.Type, "format", "value", 2)}); break;");
        w.Close();
        w.Line();
    }

    /// <summary>The expression that parses <paramref name="format"/>/<paramref name="value"/> into the type (not null).</summary>
    private static string Parse(TypeRef type, string format, string value, int depth)
    {
        var args = format + ", " + value;
        switch (type.Kind)
        {
            case ValueKind.Boolean: return Value + ".ReadBoolean(" + args + ")";
            case ValueKind.Int: return Value + ".ReadInt32(" + args + ")";
            case ValueKind.Long: return Value + ".ReadInt64(" + args + ")";
            case ValueKind.Float: return Value + ".ReadSingle(" + args + ")";
            case ValueKind.Double: return Value + ".ReadDouble(" + args + ")";
            case ValueKind.String: return Value + ".ReadText(" + args + ")";
            case ValueKind.Bytes: return Value + ".ReadBytes(" + args + ")";
            case ValueKind.Memory: return "new global::System.ReadOnlyMemory<byte>(" + Value + ".ReadBytes(" + args + "))";
            case ValueKind.Guid: return Value + ".ReadUuid(" + args + ")";
            case ValueKind.DateTime: return Value + ".ReadDateTime(" + args + ")";
            case ValueKind.DateTimeOffset: return Value + ".ReadDateTimeOffset(" + args + ")";
            case ValueKind.DateOnly: return Value + ".ReadDate(" + args + ")";
            case ValueKind.TimeOnly: return Value + ".ReadTime(" + args + ")";
            case ValueKind.TimeSpan: return Value + ".ReadInterval(" + args + ")";
            case ValueKind.Decimal: return Value + ".ReadNumeric(" + args + ")";
            case ValueKind.Enum: return Value + ".ReadEnum<" + type.TypeName + ">(" + args + ")";
            case ValueKind.Array:
                var element = type.Element!;
                var f = "format" + depth.ToString(CultureInfo.InvariantCulture);
                var v = "value" + depth.ToString(CultureInfo.InvariantCulture);
                var list = $"{Value}.ReadArray<{Declared(element)}>({args}, static ({f}, {v}) => ({Declared(element)}){Parse(element, f, v, depth + 1)}, {(element.IsNullable ? "true" : "false")})";
                return type.Collection == CollectionKind.Array ? list + ".ToArray()" : list;
            default:
                // The parser reports OBX1020 for records and maps, so an entity with one never reaches here.
                throw new KeyNotFoundException("no column parser for " + type.Kind);
        }
    }

    private static string Declared(TypeRef type) => type.TypeName + (type.IsNullable ? "?" : "");
}
