using System.CommandLine;

namespace OutboxSdk.Cli.Schemas;

/// <summary>The <c>outbox schemas</c> command and its verbs.</summary>
internal static class SchemasCommands
{
    public static Command Build()
    {
        var schemas = new Command("schemas", "Schema history of [OutboxMessage] subjects: export.");
        schemas.Subcommands.Add(Export());
        return schemas;
    }

    private static Command Export()
    {
        var assembly = new Argument<string>("assembly")
        {
            Description = "The compiled assembly (.dll) whose [OutboxMessage] schemas to export; it is read, not loaded.",
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = "The schema history folder (default: schemas). Each subject's schema is written as <subject>.v<N>.avsc.",
            HelpName = "dir",
            DefaultValueFactory = _ => "schemas",
        };
        var command = new Command("export",
            "Write each subject's schema as a new history version when it differs (canonical form, defaults or aliases) from the latest one in the folder.")
        {
            assembly, output,
        };
        command.SetAction(result =>
        {
            var stdout = result.InvocationConfiguration.Output;
            var exitCode = CliErrors.Run(result.InvocationConfiguration.Error,
                () => SchemaExport.Run(result.GetValue(assembly)!, result.GetValue(output) ?? "schemas", stdout));
            stdout.Flush();
            return exitCode;
        });
        return command;
    }
}
