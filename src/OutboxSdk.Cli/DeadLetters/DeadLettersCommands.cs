using System.CommandLine;
using System.Globalization;
using Npgsql;
using OutboxSdk.DeadLetters;
using OutboxSdk;

namespace OutboxSdk.Cli.DeadLetters;

/// <summary>The <c>outbox dead-letters</c> command: list, replay and discard messages the relay gave up on.</summary>
internal static class DeadLettersCommands
{
    public static Command Build()
    {
        var command = new Command("dead-letters", "Messages the relay gave up on: list, replay, discard.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(ById("replay", "Write the dead letter back into the outbox and delete it.", (store, id) => store.ReplayAsync(id), "replayed"));
        command.Subcommands.Add(ById("discard", "Delete the dead letter.", (store, id) => store.DiscardAsync(id), "discarded"));
        return command;
    }

    private static Option<string> Connection() => new("--connection", "-c") { Description = "The Npgsql connection string of the database.", Required = true };

    private static Option<string> Schema() => new("--schema") { Description = "The outbox schema (default: outbox).", DefaultValueFactory = _ => "outbox" };

    private static Command List()
    {
        var connection = Connection();
        var schema = Schema();
        var after = new Option<long>("--after") { Description = "List dead letters with ids above this one (paging)." };
        var limit = new Option<int>("--limit") { Description = "How many to list (default: 50).", DefaultValueFactory = _ => 50 };
        var command = new Command("list", "List dead letters in id order: id, failed at, subject, key, attempts, handler, first line of the error.")
        {
            connection, schema, after, limit,
        };
        command.SetAction(result => Run(result, connection, schema, async (store, stdout) =>
        {
            foreach (var letter in await store.ListAsync(result.GetValue(after), result.GetValue(limit)).ConfigureAwait(false))
            {
                var error = letter.Error.ReplaceLineEndings("\n").Split('\n')[0];
                stdout.Write(string.Join('\t',
                    letter.Id.ToString(CultureInfo.InvariantCulture), letter.FailedAt.ToString("O", CultureInfo.InvariantCulture), letter.Subject,
                    letter.PartitionKey ?? "-", letter.Attempts.ToString(CultureInfo.InvariantCulture), letter.Handler ?? "-", error) + "\n");
            }
        }));
        return command;
    }

    private static Command ById(string name, string description, Func<IDeadLetters, long, Task<bool>> action, string done)
    {
        var connection = Connection();
        var schema = Schema();
        var id = new Argument<long>("id") { Description = "The dead letter's id (from 'list')." };
        var command = new Command(name, description) { id, connection, schema };
        command.SetAction(result => Run(result, connection, schema, async (store, stdout) =>
        {
            var letter = result.GetValue(id);
            if (!await action(store, letter).ConfigureAwait(false))
            {
                throw new CliException($"dead letter {letter.ToString(CultureInfo.InvariantCulture)} does not exist");
            }

            stdout.Write($"{done} {letter.ToString(CultureInfo.InvariantCulture)}\n");
        }));
        return command;
    }

    private static int Run(ParseResult result, Option<string> connection, Option<string> schema, Func<IDeadLetters, TextWriter, Task> verb)
    {
        var stdout = result.InvocationConfiguration.Output;
        var name = "dead-letters " + result.CommandResult.Command.Name;
        var exitCode = CliErrors.Run(result.InvocationConfiguration.Error, () =>
        {
            NpgsqlDataSource dataSource;
            try
            {
                dataSource = NpgsqlDataSource.Create(result.GetValue(connection)!);
            }
            catch (ArgumentException e)
            {
                throw new CliException("--connection: not a valid connection string: " + e.Message, e);
            }

            using (dataSource)
            {
                try
                {
                    verb(new DeadLetterStore(dataSource, result.GetValue(schema) ?? "outbox"), stdout).GetAwaiter().GetResult();
                    return 0;
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException or ArgumentException or TimeoutException)
                {
                    // InvalidOperationException: a dead letter that cannot be replayed; the message says why.
                    throw new CliException(e is InvalidOperationException ? e.Message : name + ": " + e.Message, e);
                }
            }
        });
        stdout.Flush();
        return exitCode;
    }
}
