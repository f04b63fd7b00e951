using System.Text.Json;
using OutboxSdk.Avro;
using OutboxSdk.Avro.Container;
using OutboxSdk.Avro.Json;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Cli.Avro;

/// <summary>
/// <c>outbox avro fromjson</c>: streams JSON lines into a container written to a temporary file beside the
/// target, which is moved into place only when every datum was written; on failure the temporary file is deleted.
/// </summary>
internal static class FromJsonVerb
{
    public static int Run(string schemaFile, string codecName, string jsonFile, string containerFile)
    {
        if (!AvroCodecs.TryGet(codecName, out var codec))
        {
            throw new CliException(
                $"--codec: unknown codec '{codecName}' (null and deflate are required by the spec; supported: {string.Join(", ", AvroCodecs.SupportedNames)})");
        }

        var schema = CliFiles.LoadSchema(schemaFile);
        using var input = OpenText(jsonFile);
        var temp = TempPathBeside(containerFile);
        var moved = false;
        try
        {
            using (var output = CreateTemp(temp, containerFile))
            using (var writer = NewWriter(output, schema, codec, containerFile))
            {
                CopyLines(input, jsonFile, schema, writer, containerFile);
                Finish(writer, containerFile);
            }

            try
            {
                File.Move(temp, containerFile, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw CliErrors.Io(containerFile, e);
            }

            moved = true;
        }
        finally
        {
            if (!moved)
            {
                TryDelete(temp);
            }
        }

        return 0;
    }

    private static void CopyLines(StreamReader input, string jsonFile, AvroSchema schema, AvroContainerWriter writer, string containerFile)
    {
        long lineNumber = 0;
        while (true)
        {
            string? line;
            try
            {
                line = input.ReadLine();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw CliErrors.Io(jsonFile, e);
            }

            if (line is null)
            {
                return;
            }

            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            object? datum;
            try
            {
                datum = AvroJson.Deserialize(schema, line);
            }
            catch (AvroTypeException e)
            {
                throw CliErrors.JsonLine(jsonFile, lineNumber, e);
            }
            catch (JsonException e)
            {
                throw CliErrors.JsonLine(jsonFile, lineNumber, e);
            }

            try
            {
                writer.Append(datum);
            }
            catch (AvroTypeException e)
            {
                throw CliErrors.JsonLine(jsonFile, lineNumber, e);
            }
            catch (Exception e) when (CliErrors.IsExpected(e))
            {
                throw CliErrors.Other(containerFile, e);
            }
        }
    }

    private static StreamReader OpenText(string jsonFile)
    {
        var stream = CliFiles.OpenRead(jsonFile);
        return new StreamReader(stream, OutboxCli.Utf8NoBom, detectEncodingFromByteOrderMarks: true, CliFiles.BufferSize);
    }

    private static FileStream CreateTemp(string temp, string containerFile)
    {
        try
        {
            return new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, CliFiles.BufferSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliErrors.Io(containerFile, e);
        }
    }

    private static AvroContainerWriter NewWriter(FileStream output, AvroSchema schema, AvroCodec codec, string containerFile)
    {
        try
        {
            return new AvroContainerWriter(output, schema, codec);
        }
        catch (Exception e) when (CliErrors.IsExpected(e))
        {
            throw CliErrors.Other(containerFile, e);
        }
    }

    private static void Finish(AvroContainerWriter writer, string containerFile)
    {
        try
        {
            writer.Flush();
        }
        catch (Exception e) when (CliErrors.IsExpected(e))
        {
            throw CliErrors.Other(containerFile, e);
        }
    }

    private static string TempPathBeside(string containerFile)
    {
        var full = Path.GetFullPath(containerFile);
        var directory = Path.GetDirectoryName(full) ?? ".";
        return Path.Combine(directory, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the error being reported matters more than a leftover temporary file.
        }
    }
}
