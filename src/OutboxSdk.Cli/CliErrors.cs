using System.Globalization;
using System.Text.Json;
using OutboxSdk.Avro;

namespace OutboxSdk.Cli;

/// <summary>A failure already described as the one-line message the user sees (after "outbox: ").</summary>
internal sealed class CliException : Exception
{
    public CliException() { }

    public CliException(string message) : base(message) { }

    public CliException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>
/// Turns the library's exceptions into one-line messages that name the file and the position:
/// <c>schema.avsc: fields[2].type: reason</c>, <c>data.avro: byte 1234: reason</c>,
/// <c>data.jsonl:17: $.lines[2].qty: reason</c>, <c>data.jsonl:17:5: invalid JSON: reason</c>.
/// </summary>
internal static class CliErrors
{
    /// <summary>Runs a verb: a <see cref="CliException"/> becomes "outbox: message" on stderr and exit code 1.</summary>
    public static int Run(TextWriter stderr, Func<int> verb)
    {
        try
        {
            return verb();
        }
        catch (CliException e)
        {
            stderr.Write("outbox: " + OneLine(e.Message) + "\n");
            stderr.Flush();
            return 1;
        }
    }

    /// <summary>A schema that breaks the spec, with the path inside the schema JSON.</summary>
    public static CliException Schema(string file, AvroSchemaException e) =>
        new(Join(file, e.Path, e.Reason), e);

    /// <summary>A corrupt or truncated container, with the byte offset.</summary>
    public static CliException Container(string file, AvroFormatException e) =>
        new(Join(file, "byte " + e.Position.ToString(CultureInfo.InvariantCulture), e.Reason), e);

    /// <summary>A JSON datum that does not match the schema, with the line number and the datum path.</summary>
    public static CliException JsonLine(string file, long line, AvroTypeException e) =>
        new(Join(Line(file, line), e.Path, e.Reason), e);

    /// <summary>A line that is not JSON, with the line number and (byte) column.</summary>
    public static CliException JsonLine(string file, long line, JsonException e)
    {
        var where = Line(file, line);
        if (e.BytePositionInLine is { } column)
        {
            where += ":" + (column + 1).ToString(CultureInfo.InvariantCulture);
        }

        return new CliException(Join(where, "", "invalid JSON: " + StripJsonPosition(e.Message)), e);
    }

    /// <summary>A file that cannot be opened, read or written.</summary>
    public static CliException Io(string file, Exception e) => e switch
    {
        FileNotFoundException => new CliException(Join(file, "", "no such file"), e),
        DirectoryNotFoundException => new CliException(Join(file, "", "no such file or directory"), e),
        UnauthorizedAccessException => new CliException(Join(file, "", "permission denied"), e),
        _ => new CliException(Join(file, "", e.Message), e),
    };

    /// <summary>Any other library error while handling <paramref name="file"/>.</summary>
    public static CliException Other(string file, Exception e) => e switch
    {
        AvroSchemaException schema => Schema(file, schema),
        AvroFormatException format => Container(file, format),
        IOException or UnauthorizedAccessException => Io(file, e),
        _ => new CliException(Join(file, "", e.Message), e),
    };

    /// <summary>True for the exceptions <see cref="Other"/> describes (I/O and the library's own).</summary>
    public static bool IsExpected(Exception e) => e is AvroException or IOException or UnauthorizedAccessException;

    private static string Line(string file, long line) => file + ":" + line.ToString(CultureInfo.InvariantCulture);

    private static string Join(string where, string path, string reason) =>
        string.IsNullOrEmpty(path) ? where + ": " + reason : where + ": " + path + ": " + reason;

    private static string StripJsonPosition(string message)
    {
        // System.Text.Json appends " LineNumber: 0 | BytePositionInLine: 5." and sometimes " Path: $ |".
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var text = cut >= 0 ? message[..cut] : message;
        var path = text.IndexOf(" Path: ", StringComparison.Ordinal);
        return (path >= 0 ? text[..path] : text).TrimEnd(' ', '|');
    }

    private static string OneLine(string message) =>
        message.ReplaceLineEndings(" ").Trim();
}
