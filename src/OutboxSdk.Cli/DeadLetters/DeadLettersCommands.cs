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
        command.Subcommands.Add(ByIdOrFilter("replay", "Write dead letters back into the outbox (in id order, so each key's order holds) and delete them: one by id, or every one the filter matches.",
            (store, id) => store.ReplayAsync(id), (store, filter) => store.ReplayMatchingAsync(filter), "replayed"));
        command.Subcommands.Add(ByIdOrFilter("discard", "Delete dead letters: one by id, or every one the filter matches.",
            (store, id) => store.DiscardAsync(id), (store, filter) => store.DiscardMatchingAsync(filter), "discarded"));
        return command;
    }

    /// <summary>The filter options every verb takes (<see cref="DeadLetterFilter"/>).</summary>
    private sealed class FilterOptions
    {
        public Option<string> Subject { get; } = new("--subject") { Description = "Only dead letters of this subject." };

        public Option<string> Handler { get; } = new("--handler") { Description = "Only dead letters whose last failing handler is this one (as 'list' shows it)." };

        public Option<DateTimeOffset?> Since { get; } = new("--since") { Description = "Only dead letters that failed at or after this time (ISO 8601, e.g. 2026-12-08T09:00:00Z)." };

        public Option<DateTimeOffset?> Until { get; } = new("--until") { Description = "Only dead letters that failed before this time (ISO 8601)." };

        public Option<string> ErrorContains { get; } = new("--error-contains") { Description = "Only dead letters whose error contains this text (case-sensitive)." };

        public IEnumerable<Option> All => [Subject, Handler, Since, Until, ErrorContains];

        public DeadLetterFilter Read(ParseResult result) => new()
        {
            Subject = result.GetValue(Subject),
            Handler = result.GetValue(Handler),
            FailedFrom = result.GetValue(Since),
            FailedUntil = result.GetValue(Until),
            ErrorContains = result.GetValue(ErrorContains),
        };
    }

    private static Option<string> Connection() => new("--connection", "-c") { Description = "The Npgsql connection string of the database.", Required = true };

    private static Option<string> Schema() => new("--schema") { Description = "The outbox schema (default: outbox).", DefaultValueFactory = _ => "outbox" };

    private static Command List()
    {
        var connection = Connection();
        var schema = Schema();
        var after = new Option<long>("--after") { Description = "List dead letters with ids above this one (paging)." };
        var limit = new Option<int>("--limit") { Description = "How many to list (default: 50).", DefaultValueFactory = _ => 50 };
        var filter = new FilterOptions();
        var command = new Command("list", "List dead letters in id order (all, or those the filter options match): id, failed at, subject, key, attempts, handler, first line of the error.")
        {
            connection, schema, after, limit,
        };
        foreach (var option in filter.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(result => Run(result, connection, schema, async (store, stdout) =>
        {
            foreach (var letter in await store.ListMatchingAsync(filter.Read(result), result.GetValue(after), result.GetValue(limit)).ConfigureAwait(false))
            {
                var error = letter.Error.ReplaceLineEndings("\n").Split('\n')[0];
                stdout.Write(string.Join('\t',
                    letter.Id.ToString(CultureInfo.InvariantCulture), letter.FailedAt.ToString("O", CultureInfo.InvariantCulture), letter.Subject,
                    letter.PartitionKey ?? "-", letter.Attempts.ToString(CultureInfo.InvariantCulture), letter.Handler ?? "-", error) + "\n");
            }
        }));
        return command;
    }

    private static Command ByIdOrFilter(string name, string description, Func<IDeadLetters, long, Task<bool>> one, Func<IDeadLetters, DeadLetterFilter, Task<int>> matching, string done)
    {
        var connection = Connection();
        var schema = Schema();
        var id = new Argument<long?>("id") { Description = "The dead letter's id (from 'list'); or leave it out and give filter options, or --all.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Every dead letter (instead of an id or filter options)." };
        var filter = new FilterOptions();
        var command = new Command(name, description) { id, connection, schema, all };
        foreach (var option in filter.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(result => Run(result, connection, schema, async (store, stdout) =>
        {
            var criteria = filter.Read(result);
            if (result.GetValue(id) is { } letter)
            {
                if (!criteria.IsEmpty || result.GetValue(all))
                {
                    throw new CliException($"give either a dead letter id or filter options (--all, --subject, --handler, --since, --until, --error-contains), not both");
                }

                if (!await one(store, letter).ConfigureAwait(false))
                {
                    throw new CliException($"dead letter {letter.ToString(CultureInfo.InvariantCulture)} does not exist");
                }

                stdout.Write($"{done} {letter.ToString(CultureInfo.InvariantCulture)}\n");
                return;
            }

            if (!criteria.IsEmpty && result.GetValue(all))
            {
                throw new CliException("give either --all or filter options, not both");
            }

            if (criteria.IsEmpty && !result.GetValue(all))
            {
                throw new CliException($"which dead letters? give an id, filter options (--subject, --handler, --since, --until, --error-contains) or --all");
            }

            var count = await matching(store, criteria.IsEmpty ? DeadLetterFilter.All : criteria).ConfigureAwait(false);
            stdout.Write($"{done} {count.ToString(CultureInfo.InvariantCulture)} dead letter(s)\n");
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
