using OutboxSdk.Avro;
using OutboxSdk.Avro.Container;
using OutboxSdk.Avro.Json;

namespace OutboxSdk.Cli.Avro;

/// <summary><c>outbox avro tojson</c> and <c>outbox avro getschema</c>.</summary>
internal static class ContainerVerbs
{
    /// <summary>Streams the datums block by block: memory stays bounded by one block, whatever the file's size.</summary>
    public static int ToJson(string containerFile, TextWriter stdout)
    {
        using var reader = Open(containerFile);
        var schema = reader.WriterSchema;
        using var datums = reader.ReadAll().GetEnumerator();
        while (true)
        {
            object? datum;
            try
            {
                if (!datums.MoveNext())
                {
                    break;
                }

                datum = datums.Current;
            }
            catch (Exception e) when (CliErrors.IsExpected(e))
            {
                stdout.Flush(); // the datums before the bad spot are still worth having
                throw CliErrors.Other(containerFile, e);
            }

            stdout.Write(AvroJson.Serialize(schema, datum));
            stdout.Write('\n');
        }

        return 0;
    }

    public static int GetSchema(string containerFile, TextWriter stdout)
    {
        using var reader = Open(containerFile);
        stdout.Write(reader.Header.SchemaJson);
        stdout.Write('\n');
        return 0;
    }

    private static AvroContainerReader Open(string containerFile)
    {
        var stream = CliFiles.OpenRead(containerFile);
        try
        {
            return AvroContainerReader.Open(stream);
        }
        catch (Exception e) when (CliErrors.IsExpected(e))
        {
            stream.Dispose();
            throw CliErrors.Other(containerFile, e);
        }
    }
}
