using System.CommandLine;
using System.Text;
using OutboxSdk.Cli.Avro;
using OutboxSdk.Cli.DeadLetters;
using OutboxSdk.Cli.Migrations;
using OutboxSdk.Cli.Schemas;
using OutboxSdk.Cli.Slots;
using OutboxSdk.Cli.Status;

namespace OutboxSdk.Cli;

/// <summary>The <c>outbox</c> command line: builds the command tree and runs it against given writers.</summary>
public static class OutboxCli
{
    /// <summary>UTF-8 without a byte order mark, the encoding of everything the tool writes.</summary>
    internal static readonly Encoding Utf8NoBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The root command with every verb.</summary>
    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand(
            "outbox: tools for the OutboxSdk: Avro files and schemas, the outbox tables (migrate, script), their status, replication slots and dead letters. " +
            "Run 'outbox <command> --help' for a command's options.");
        root.Subcommands.Add(AvroCommands.Build());
        root.Subcommands.Add(SchemasCommands.Build());
        root.Subcommands.Add(StatusCommand.Build());
        root.Subcommands.Add(SlotsCommands.Build());
        root.Subcommands.Add(DeadLettersCommands.Build());
        root.Subcommands.Add(MigrationCommands.Migrate());
        root.Subcommands.Add(MigrationCommands.Script());
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>, writing results to <paramref name="stdout"/> and errors to
    /// <paramref name="stderr"/>. Returns the exit code: 0 on success, 1 for bad input (one line on stderr), and
    /// System.CommandLine's own code for usage errors.
    /// </summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var configuration = new InvocationConfiguration { Output = stdout, Error = stderr };
        return BuildRootCommand().Parse(args).Invoke(configuration);
    }

    /// <summary>The process entry point: a buffered UTF-8 stdout with "\n" line ends, flushed at the end.</summary>
    public static int RunConsole(string[] args)
    {
        using var stderr = new StreamWriter(Console.OpenStandardError(), Utf8NoBom) { NewLine = "\n", AutoFlush = true };
        var stdout = new StreamWriter(Console.OpenStandardOutput(), Utf8NoBom, 64 * 1024) { NewLine = "\n", AutoFlush = false };
        int exitCode;
        try
        {
            exitCode = Run(args, stdout, stderr);
        }
        finally
        {
            try
            {
                stdout.Dispose();
            }
            catch (IOException)
            {
                // The reader of stdout went away (e.g. '| head'); there is nobody left to tell.
            }
        }

        return exitCode;
    }
}
