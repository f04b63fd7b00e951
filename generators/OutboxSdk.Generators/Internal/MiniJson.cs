using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace OutboxSdk.Generators.Internal;

/// <summary>JSON values as the generator needs them: parsed from attribute text, checked, and written back.</summary>
internal abstract record JsonValue
{
    public sealed record Null : JsonValue;
    public sealed record Bool(bool Value) : JsonValue;
    public sealed record Number(string Text) : JsonValue;
    public sealed record Str(string Value) : JsonValue;
    public sealed record Arr(List<JsonValue> Items) : JsonValue;
    public sealed record Obj(List<KeyValuePair<string, JsonValue>> Members) : JsonValue;
}

/// <summary>A small strict JSON parser (RFC 8259) for [AvroDefault] values and committed schema files.</summary>
internal sealed class MiniJson
{
    private readonly string _text;
    private int _pos;

    private MiniJson(string text) => _text = text;

    /// <summary>Parses <paramref name="text"/>, or returns null with <paramref name="error"/> saying what is wrong.</summary>
    public static JsonValue? TryParse(string text, out string? error)
    {
        var parser = new MiniJson(text);
        try
        {
            var value = parser.ParseValue(0);
            parser.SkipWhitespace();
            if (parser._pos != text.Length)
            {
                throw parser.Fail("unexpected text after the value");
            }

            error = null;
            return value;
        }
        catch (JsonParseException e)
        {
            error = e.Message;
            return null;
        }
    }

    private JsonValue ParseValue(int depth)
    {
        if (depth > 128)
        {
            throw Fail("nested too deeply");
        }

        SkipWhitespace();
        if (_pos >= _text.Length)
        {
            throw Fail("the text ends where a value was expected");
        }

        switch (_text[_pos])
        {
            case '{':
                return ParseObject(depth);
            case '[':
                return ParseArray(depth);
            case '"':
                return new JsonValue.Str(ParseString());
            case 't':
                Expect("true");
                return new JsonValue.Bool(true);
            case 'f':
                Expect("false");
                return new JsonValue.Bool(false);
            case 'n':
                Expect("null");
                return new JsonValue.Null();
            default:
                return ParseNumber();
        }
    }

    private JsonValue.Obj ParseObject(int depth)
    {
        _pos++;
        var members = new List<KeyValuePair<string, JsonValue>>();
        SkipWhitespace();
        if (Peek() == '}')
        {
            _pos++;
            return new JsonValue.Obj(members);
        }

        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"')
            {
                throw Fail("an object key must be a string");
            }

            var key = ParseString();
            SkipWhitespace();
            if (Peek() != ':')
            {
                throw Fail("expected ':' after an object key");
            }

            _pos++;
            members.Add(new KeyValuePair<string, JsonValue>(key, ParseValue(depth + 1)));
            SkipWhitespace();
            var c = Peek();
            _pos++;
            if (c == '}')
            {
                return new JsonValue.Obj(members);
            }

            if (c != ',')
            {
                throw Fail("expected ',' or '}' in an object");
            }
        }
    }

    private JsonValue.Arr ParseArray(int depth)
    {
        _pos++;
        var items = new List<JsonValue>();
        SkipWhitespace();
        if (Peek() == ']')
        {
            _pos++;
            return new JsonValue.Arr(items);
        }

        while (true)
        {
            items.Add(ParseValue(depth + 1));
            SkipWhitespace();
            var c = Peek();
            _pos++;
            if (c == ']')
            {
                return new JsonValue.Arr(items);
            }

            if (c != ',')
            {
                throw Fail("expected ',' or ']' in an array");
            }
        }
    }

    private string ParseString()
    {
        _pos++;
        var builder = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Fail("a string is not closed");
            }

            var c = _text[_pos++];
            if (c == '"')
            {
                return builder.ToString();
            }

            if (c < ' ')
            {
                throw Fail("a control character in a string must be escaped");
            }

            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            var e = Peek();
            _pos++;
            switch (e)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_pos + 4 > _text.Length || !int.TryParse(_text.Substring(_pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
                    {
                        throw Fail("a \\u escape needs four hex digits");
                    }

                    builder.Append((char)code);
                    _pos += 4;
                    break;
                default:
                    throw Fail("unknown escape \\" + e);
            }
        }
    }

    private JsonValue.Number ParseNumber()
    {
        var start = _pos;
        if (Peek() == '-')
        {
            _pos++;
        }

        var digits = _pos;
        while (_pos < _text.Length && (char.IsDigit(_text[_pos]) || _text[_pos] is '.' or 'e' or 'E' or '+' or '-'))
        {
            _pos++;
        }

        var text = _text.Substring(start, _pos - start);
        if (_pos == digits || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            || (text.Length > digits - start + 1 && _text[digits] == '0' && char.IsDigit(_text[digits + 1])))
        {
            throw Fail("not a JSON value");
        }

        return new JsonValue.Number(text);
    }

    private void Expect(string word)
    {
        if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0)
        {
            throw Fail("not a JSON value");
        }

        _pos += word.Length;
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private void SkipWhitespace()
    {
        while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\r' or '\n')
        {
            _pos++;
        }
    }

    private JsonParseException Fail(string reason) =>
        new(reason + " at character " + (_pos + 1).ToString(CultureInfo.InvariantCulture));

    private sealed class JsonParseException(string message) : System.Exception(message);
}
