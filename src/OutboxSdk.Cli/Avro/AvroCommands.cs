using System.CommandLine;

namespace OutboxSdk.Cli.Avro;

/// <summary>The <c>outbox avro</c> command and its verbs.</summary>
internal static class AvroCommands
{
    public static Command Build()
    {
        var avro = new Command("avro", "Avro schemas and object container files: canonical, fingerprint, tojson, fromjson, getschema.");
        avro.Subcommands.Add(Canonical());
        avro.Subcommands.Add(Fingerprint());
        avro.Subcommands.Add(ToJson());
        avro.Subcommands.Add(FromJson());
        avro.Subcommands.Add(GetSchema());
        return avro;
    }

    private static Command Canonical()
    {
        var schema = SchemaFileArgument();
        var command = new Command("canonical", "Print a schema's Parsing Canonical Form on one line.") { schema };
        command.SetAction(result => Run(result, stdout => SchemaVerbs.Canonical(result.GetValue(schema)!, stdout)));
        return command;
    }

    private static Command Fingerprint()
    {
        var schema = SchemaFileArgument();
        var algorithm = new Option<string>("--algorithm", "-a")
        {
            Description = "rabin (CRC-64-AVRO, printed as a signed 64-bit decimal; the default), md5 or sha256 (lowercase hex).",
            HelpName = "rabin|md5|sha256",
            DefaultValueFactory = _ => "rabin",
        };
        var command = new Command("fingerprint", "Print the fingerprint of a schema's Parsing Canonical Form.") { algorithm, schema };
        command.SetAction(result => Run(result, stdout =>
            SchemaVerbs.Fingerprint(result.GetValue(schema)!, result.GetValue(algorithm) ?? "rabin", stdout)));
        return command;
    }

    private static Command ToJson()
    {
        var container = ContainerFileArgument("The Avro object container file to read.");
        var command = new Command("tojson", "Print a container file's datums in Avro's JSON encoding, one a line.") { container };
        command.SetAction(result => Run(result, stdout => ContainerVerbs.ToJson(result.GetValue(container)!, stdout)));
        return command;
    }

    private static Command FromJson()
    {
        var schema = new Option<string>("--schema", "-s")
        {
            Description = "The schema file (.avsc) every datum is written with.",
            HelpName = "schema-file",
            Required = true,
        };
        var codec = new Option<string>("--codec", "-c")
        {
            Description = "The block codec: null (the default) or deflate, the spec's required codecs; snappy and zstandard also work.",
            HelpName = "null|deflate|snappy|zstandard",
            DefaultValueFactory = _ => "null",
        };
        var input = new Argument<string>("json-lines-file") { Description = "Datums in Avro's JSON encoding, one a line; blank lines are skipped." };
        var container = ContainerFileArgument("The container file to write (replaced only when every datum was written).");
        var command = new Command("fromjson", "Write JSON lines (Avro's JSON encoding) to a new container file.") { schema, codec, input, container };
        command.SetAction(result => Run(result, _ => FromJsonVerb.Run(
            result.GetValue(schema)!, result.GetValue(codec) ?? "null", result.GetValue(input)!, result.GetValue(container)!)));
        return command;
    }

    private static Command GetSchema()
    {
        var container = ContainerFileArgument("The Avro object container file to read.");
        var command = new Command("getschema", "Print a container file's writer schema exactly as its header stores it.") { container };
        command.SetAction(result => Run(result, stdout => ContainerVerbs.GetSchema(result.GetValue(container)!, stdout)));
        return command;
    }

    private static Argument<string> SchemaFileArgument() =>
        new("schema-file") { Description = "The schema file (.avsc)." };

    private static Argument<string> ContainerFileArgument(string description) =>
        new("container-file") { Description = description };

    private static int Run(ParseResult result, Func<TextWriter, int> verb)
    {
        var stdout = result.InvocationConfiguration.Output;
        var stderr = result.InvocationConfiguration.Error;
        var exitCode = CliErrors.Run(stderr, () => verb(stdout));
        try
        {
            stdout.Flush();
        }
        catch (IOException)
        {
            // stdout was closed by its reader ('| head'): the output it wanted was delivered.
        }

        return exitCode;
    }
}
