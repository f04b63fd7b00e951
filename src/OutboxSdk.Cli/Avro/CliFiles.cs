using OutboxSdk.Avro;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Cli.Avro;

/// <summary>Opening the user's files, with failures as <see cref="CliException"/>s naming the file.</summary>
internal static class CliFiles
{
    public const int BufferSize = 64 * 1024;

    public static AvroSchema LoadSchema(string file)
    {
        string json;
        try
        {
            json = File.ReadAllText(file, OutboxCli.Utf8NoBom);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliErrors.Io(file, e);
        }

        try
        {
            return AvroSchema.Parse(json);
        }
        catch (AvroSchemaException e)
        {
            throw CliErrors.Schema(file, e);
        }
    }

    public static FileStream OpenRead(string file)
    {
        try
        {
            return new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliErrors.Io(file, e);
        }
    }
}
