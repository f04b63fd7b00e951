using System.CommandLine;
using Npgsql;
using OutboxSdk.Observability;
using OutboxSdk.Schema;

namespace OutboxSdk.Cli.Status;

/// <summary>The <c>outbox status</c> verb: backlog, dead letters, partitions, schemas and replication slots of one outbox.</summary>
internal static class StatusCommand
{
    public static Command Build()
    {
        var connection = new Option<string>("--connection", "-c")
        {
            Description = "An Npgsql connection string, e.g. \"Host=localhost;Username=app;Database=shop\".",
            HelpName = "cs",
            Required = true,
        };
        var schema = new Option<string>("--schema")
        {
            Description = "The outbox's Postgres schema (default: outbox).",
            HelpName = "name",
            DefaultValueFactory = _ => OutboxSchema.DefaultSchema,
        };
        var mode = new Option<string>("--mode")
        {
            Description = "The relay mode whose backlog to show: auto (default: Replication when the Notify queue's trigger is off, as the Replication relay leaves it), notify or replication.",
            HelpName = "auto|notify|replication",
            DefaultValueFactory = _ => "auto",
        };
        mode.AcceptOnlyFromAmong("auto", "notify", "replication");
        var command = new Command("status", "Show an outbox's backlog (the Notify queue's, or the replication slot's lag), dead letters, partitions, registered schemas and replication slots.")
        {
            connection, schema, mode,
        };
        command.SetAction(result =>
        {
            var stdout = result.InvocationConfiguration.Output;
            var exitCode = CliErrors.Run(result.InvocationConfiguration.Error,
                () => Run(result.GetValue(connection)!, result.GetValue(schema) ?? OutboxSchema.DefaultSchema, result.GetValue(mode) switch
                {
                    "notify" => RelayMode.Notify,
                    "replication" => RelayMode.Replication,
                    _ => null,
                }, stdout));
            stdout.Flush();
            return exitCode;
        });
        return command;
    }

    private static int Run(string connectionString, string schema, RelayMode? mode, TextWriter stdout)
    {
        OutboxStatus status;
        try
        {
            using var dataSource = NpgsqlDataSource.Create(connectionString);
            status = OutboxStatus.ReadAsync(dataSource, schema, mode, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or TimeoutException)
        {
            // ArgumentException: a malformed connection string or schema name.
            throw new CliException("cannot read the outbox status: " + e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            throw new CliException(e.Message, e);
        }

        StatusFormatter.Write(status, stdout);
        return 0;
    }
}
