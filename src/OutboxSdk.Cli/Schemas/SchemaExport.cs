using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using OutboxSdk.Avro;
using OutboxSdk.Avro.Schema;
using OutboxSdk.Cli.Avro;

namespace OutboxSdk.Cli.Schemas;

/// <summary>
/// <c>outbox schemas export &lt;assembly&gt; -o &lt;dir&gt;</c>: for each subject the assembly records, writes
/// <c>&lt;dir&gt;/&lt;subject&gt;.v&lt;N&gt;.avsc</c> with N one more than the highest existing version, only when the
/// schema differs from the latest version's: in its canonical form, or in what resolution reads beyond it
/// (defaults and aliases; see <see cref="ResolutionForm"/>). Existing files are never changed.
/// </summary>
internal static class SchemaExport
{
    public static int Run(string assemblyFile, string folder, TextWriter stdout)
    {
        if (!File.Exists(assemblyFile))
        {
            throw new CliException(assemblyFile + ": no such file");
        }

        var schemas = AssemblySchemas.Read(assemblyFile);
        if (schemas.Count == 0)
        {
            throw new CliException(assemblyFile + ": no [OutboxMessage] schemas: the assembly has no AvroSchemaExport attributes (is it built with the OutboxSdk generator?)");
        }

        if (schemas.GroupBy(s => s.Subject).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new CliException(assemblyFile + ": the subject '" + duplicate.Key + "' has more than one schema");
        }

        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliErrors.Io(folder, e);
        }

        foreach (var schema in schemas.OrderBy(s => s.Subject, StringComparer.Ordinal))
        {
            stdout.Write(ExportOne(assemblyFile, schema, folder) + "\n");
        }

        return 0;
    }

    private static string ExportOne(string assemblyFile, ExportedSchema schema, string folder)
    {
        CheckFileName(assemblyFile, schema.Subject);
        AvroSchema parsed;
        try
        {
            parsed = AvroSchema.Parse(schema.SchemaJson);
        }
        catch (AvroSchemaException e)
        {
            throw CliErrors.Schema(assemblyFile + ": subject '" + schema.Subject + "'", e);
        }

        var (latestVersion, latestFile) = Latest(folder, schema.Subject);
        if (latestFile is not null && SameVersion(CliFiles.LoadSchema(latestFile), parsed))
        {
            return "unchanged " + schema.Subject + ": same as " + latestFile;
        }

        var file = Path.Combine(folder, schema.Subject + ".v" + (latestVersion + 1).ToString(CultureInfo.InvariantCulture) + ".avsc");
        try
        {
            using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write);
            stream.Write(Indented(schema.SchemaJson));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliErrors.Io(file, e);
        }

        return "wrote " + file;
    }

    // The highest version of the subject in the folder, and its file (null when there is none).
    private static (int Version, string? File) Latest(string folder, string subject)
    {
        var latest = (Version: 0, File: (string?)null);
        var prefix = subject + ".v";
        foreach (var path in Directory.EnumerateFiles(folder, "*.avsc"))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (!name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            // Same rule as the generator: a whole number from 1 without leading zeros.
            var digits = name[prefix.Length..];
            if (digits.Length is > 0 and <= 9 && digits[0] != '0' && digits.All(char.IsAsciiDigit))
            {
                var version = int.Parse(digits, CultureInfo.InvariantCulture);
                if (version > latest.Version)
                {
                    latest = (version, Path.Combine(folder, Path.GetFileName(path)));
                }
            }
        }

        return latest;
    }

    // Docs, attribute order and formatting make no new version; what resolution reads does.
    private static bool SameVersion(AvroSchema latest, AvroSchema current) =>
        latest.ToCanonicalForm() == current.ToCanonicalForm() && ResolutionForm.Of(latest) == ResolutionForm.Of(current);

    private static void CheckFileName(string assemblyFile, string subject)
    {
        if (subject.Length == 0 || subject is "." or ".." || subject.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0
            || subject.Contains('/', StringComparison.Ordinal) || subject.Contains('\\', StringComparison.Ordinal))
        {
            throw new CliException(assemblyFile + ": the subject '" + subject + "' cannot be part of a file name");
        }
    }

    // History files are meant to be read in review: indented, non-ASCII kept as is, ending with a newline.
    private static byte[] Indented(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            document.WriteTo(writer);
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
