using System.CommandLine;
using System.Globalization;
using Npgsql;
using OutboxSdk.Cli.Status;
using OutboxSdk.Hosting;
using OutboxSdk.Operations;
using OutboxSdk.Sources.Wal;
using OutboxSdk;

namespace OutboxSdk.Cli.Slots;

/// <summary>
/// <c>outbox slots list</c> and <c>outbox slots drop &lt;name&gt;</c>: the database's replication slots, and cleanup of
/// one named slot. Drop takes exactly one explicit name, refuses an active slot, and prints what it dropped.
/// </summary>
internal static class SlotsCommands
{
    public static Command Build()
    {
        var slots = new Command("slots", "List the database's replication slots, or drop one by name.");
        slots.Subcommands.Add(List());
        slots.Subcommands.Add(Drop());
        return slots;
    }

    private static Option<string> ConnectionOption() => new("--connection", "-c")
    {
        Description = "An Npgsql connection string, e.g. \"Host=localhost;Username=app;Database=shop\".",
        HelpName = "cs",
        Required = true,
    };

    private static Command List()
    {
        var connection = ConnectionOption();
        var command = new Command("list", "List the replication slots of the database (and the cluster's physical slots): activity, confirmed LSN, lag, retained WAL, wal_status, safe_wal_size.")
        {
            connection,
        };
        command.SetAction(result => Invoke(result, stdout =>
        {
            var list = WithDataSource(result.GetValue(connection)!, "cannot list the replication slots", d => ReplicationSlots.ListAsync(d));
            stdout.Write(string.Format(CultureInfo.InvariantCulture, "replication slots ({0}):\n", list.Count));
            SlotsFormatter.Write(list, stdout);
            return 0;
        }));
        return command;
    }

    private static Command Drop()
    {
        var connection = ConnectionOption();
        var name = new Argument<string>("name") { Description = "The exact name of the slot to drop (see 'outbox slots list')." };
        var command = new Command("drop", "Drop one inactive replication slot by its exact name. A relay whose slot was dropped treats it as lost at its next start (see docs/operations.md).")
        {
            name, connection,
        };
        command.SetAction(result => Invoke(result, stdout =>
        {
            var slot = result.GetValue(name)!;
            var dropped = WithDataSource(result.GetValue(connection)!, $"cannot drop replication slot '{slot}'", d => ReplicationSlots.DropAsync(d, slot));
            stdout.Write($"dropped replication slot {dropped.Name} ({dropped.Plugin ?? "physical"}, confirmed {dropped.ConfirmedFlushLsn ?? "-"}, wal_status {dropped.WalStatus}, " +
                $"released {SlotsFormatter.Bytes(dropped.RetainedWalBytes)} of retained WAL)\n");
            return 0;
        }));
        return command;
    }

    private static int Invoke(ParseResult result, Func<TextWriter, int> verb)
    {
        var stdout = result.InvocationConfiguration.Output;
        var exitCode = CliErrors.Run(result.InvocationConfiguration.Error, () => verb(stdout));
        stdout.Flush();
        return exitCode;
    }

    private static T WithDataSource<T>(string connectionString, string what, Func<NpgsqlDataSource, Task<T>> action)
    {
        try
        {
            using var dataSource = NpgsqlDataSource.Create(connectionString);
            return action(dataSource).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or TimeoutException)
        {
            // ArgumentException: a malformed connection string.
            throw new CliException(what + ": " + e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            throw new CliException(e.Message, e);
        }
    }
}
