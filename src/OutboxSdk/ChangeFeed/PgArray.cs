namespace OutboxSdk.ChangeFeed;

/// <summary>One-dimensional arrays in the text format (see PostgreSQL docs 8.15.6 "Array Input and Output Syntax") and the binary format (array_send).</summary>
internal static class PgArray
{
    public static List<T> Text<T>(ReadOnlySpan<byte> text, PgValueParser<T> parse, bool elementsNullable)
    {
        // A lower bound other than 1 is written as a "[0:2]=" prefix; the elements follow it unchanged.
        if (text.Length > 0 && text[0] == '[')
        {
            var equals = text.IndexOf((byte)'=');
            text = equals < 0 ? throw new FormatException("an array's dimension prefix has no '='") : text[(equals + 1)..];
        }

        if (text.Length < 2 || text[0] != '{' || text[^1] != '}')
        {
            throw new FormatException("an array in text format is enclosed in '{' and '}'");
        }

        var result = new List<T>();
        var body = text[1..^1];
        if (body.IsEmpty)
        {
            return result;
        }

        var element = new List<byte>();
        var at = 0;
        while (true)
        {
            element.Clear();
            var isNull = ReadElement(body, ref at, element);
            if (isNull)
            {
                result.Add(NullElement<T>(result.Count, elementsNullable));
            }
            else
            {
                result.Add(parse(PgColumnKind.Text, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(element)));
            }

            if (at == body.Length)
            {
                return result;
            }

            if (body[at++] != ',')
            {
                throw new FormatException($"expected ',' after array element {result.Count}");
            }
        }
    }

    // Returns true for an unquoted NULL; a quoted "NULL" is the four-letter text.
    private static bool ReadElement(ReadOnlySpan<byte> body, ref int at, List<byte> element)
    {
        if (at < body.Length && body[at] == '{')
        {
            throw new FormatException("multi-dimensional arrays are not supported; a column is a one-dimensional array");
        }

        if (at < body.Length && body[at] == '"')
        {
            at++;
            while (true)
            {
                if (at >= body.Length)
                {
                    throw new FormatException("an array element's quotes are not closed");
                }

                var c = body[at++];
                if (c == '"')
                {
                    return false;
                }

                element.Add(c == '\\' ? Escaped(body, ref at) : c);
            }
        }

        var start = at;
        while (at < body.Length && body[at] != ',')
        {
            var c = body[at++];
            element.Add(c == '\\' ? Escaped(body, ref at) : c);
        }

        var raw = body[start..at];
        return raw.Length == 4 && System.Text.Ascii.EqualsIgnoreCase(raw, "NULL"u8);
    }

    private static byte Escaped(ReadOnlySpan<byte> body, ref int at) =>
        at < body.Length ? body[at++] : throw new FormatException("an array ends in a lone backslash");

    // see Postgres array_send: int32 ndim, int32 has-nulls flag, uint32 element type, per dimension int32 size and
    // int32 lower bound, then per element an int32 length (-1 for NULL) and its bytes.
    public static List<T> Binary<T>(ReadOnlySpan<byte> value, PgValueParser<T> parse, bool elementsNullable)
    {
        var dimensions = Int32(value, 0);
        var result = new List<T>();
        if (dimensions == 0)
        {
            return result;
        }

        if (dimensions != 1)
        {
            throw new FormatException($"the array has {dimensions} dimensions; a column is a one-dimensional array");
        }

        var count = Int32(value, 12);
        var at = 20;
        for (var i = 0; i < count; i++)
        {
            var length = Int32(value, at);
            at += 4;
            if (length == -1)
            {
                result.Add(NullElement<T>(i, elementsNullable));
                continue;
            }

            if (length < 0 || length > value.Length - at)
            {
                throw new FormatException($"array element {i + 1} claims {length} bytes, but {value.Length - at} remain");
            }

            result.Add(parse(PgColumnKind.Binary, value.Slice(at, length)));
            at += length;
        }

        return at == value.Length ? result : throw new FormatException($"{value.Length - at} bytes follow the array's last element");
    }

    private static int Int32(ReadOnlySpan<byte> value, int at) => at + 4 <= value.Length
        ? BinaryPrimitives.ReadInt32BigEndian(value[at..])
        : throw new FormatException($"the binary array ends at byte {value.Length}, inside its header or an element length");

    private static T NullElement<T>(int index, bool elementsNullable) => elementsNullable
        ? default!
        : throw new FormatException($"array element {index + 1} is NULL, but the element type is not nullable");
}
