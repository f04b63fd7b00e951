using System.CommandLine;
using System.Globalization;
using Npgsql;
using OutboxSdk.Migrations;
using OutboxSdk.Schema;

namespace OutboxSdk.Cli.Migrations;

/// <summary>The <c>outbox migrate</c> and <c>outbox script</c> verbs: the outbox tables applied, or printed for a DBA.</summary>
internal static class MigrationCommands
{
    public static Command Migrate()
    {
        var connection = new Option<string>("--connection", "-c")
        {
            Description = "The Npgsql connection string of the database, e.g. \"Host=db;Database=app;Username=app;Password=...\".",
            HelpName = "connection string",
            Required = true,
        };
        var schema = SchemaOption();
        var command = new Command("migrate", "Create or upgrade the outbox tables; safe to run again and from several machines at once.")
        {
            connection, schema,
        };
        command.SetAction(result =>
        {
            var stdout = result.InvocationConfiguration.Output;
            var exitCode = CliErrors.Run(result.InvocationConfiguration.Error,
                () => RunMigrate(result.GetValue(connection)!, result.GetValue(schema)!, stdout));
            stdout.Flush();
            return exitCode;
        });
        return command;
    }

    public static Command Script()
    {
        var schema = SchemaOption();
        var roles = new Option<bool>("--roles")
        {
            Description = "Print instead the SQL that sets up least-privileged roles (docs/security.md): the relay's queue, and the GRANTs of a publisher and a relay role. Run it as the tables' owner after the migrations.",
        };
        var publisher = new Option<string>("--publisher")
        {
            Description = "With --roles: the role that can only publish (default: outbox_publisher).",
            HelpName = "role",
            DefaultValueFactory = _ => OutboxRoles.DefaultPublisher,
        };
        var relay = new Option<string>("--relay")
        {
            Description = "With --roles: the role that runs the relay (default: outbox_relay).",
            HelpName = "role",
            DefaultValueFactory = _ => OutboxRoles.DefaultRelay,
        };
        var channel = new Option<string?>("--channel")
        {
            Description = "With --roles: the relay's NOTIFY channel, as OutboxOptions.NotifyChannel (default: outbox_<schema>).",
            HelpName = "name",
        };
        var replication = new Option<bool>("--replication")
        {
            Description = "With --roles: also ready the schema for a Replication relay (RelayMode.Replication) run as the relay role: the publication, the queue trigger turned off, SELECT on the change-feed tables. The relay role also needs ALTER ROLE ... REPLICATION (a superuser's).",
        };
        var publication = new Option<string?>("--publication")
        {
            Description = "With --replication: the publication, as OutboxOptions.Replication.PublicationName (default: outbox_<schema>).",
            HelpName = "name",
        };
        var changeTables = new Option<string[]>("--change-table")
        {
            Description = "With --replication: a [ChangeFeed] table as schema.table (repeat the option for each).",
            HelpName = "schema.table",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("script", "Print the SQL of every outbox migration (idempotent, one transaction) for a DBA to review and apply; with --roles, the GRANTs of least-privileged roles.")
        {
            schema, roles, publisher, relay, channel, replication, publication, changeTables,
        };
        command.SetAction(result =>
        {
            var stdout = result.InvocationConfiguration.Output;
            var exitCode = CliErrors.Run(result.InvocationConfiguration.Error, () =>
            {
                var name = CheckedSchema(result.GetValue(schema)!);
                var sql = result.GetValue(roles)
                    ? OutboxRoles.Script(name, Checked("--channel", result.GetValue(channel)), Checked("--publisher", result.GetValue(publisher))!, Checked("--relay", result.GetValue(relay))!)
                    : OutboxMigrator.Script(name);
                if (result.GetValue(roles) && result.GetValue(replication))
                {
                    sql += "\n" + ReplicationRolesScript(name, result.GetValue(relay)!, result.GetValue(publication), result.GetValue(changeTables) ?? []);
                }
                stdout.Write(sql.ReplaceLineEndings("\n"));
                return 0;
            });
            stdout.Flush();
            return exitCode;
        });
        return command;
    }

    private static Option<string> SchemaOption() => new("--schema", "-s")
    {
        Description = "The schema of the outbox tables (default: outbox).",
        HelpName = "name",
        DefaultValueFactory = _ => OutboxSchema.DefaultSchema,
    };

    private static int RunMigrate(string connectionString, string schema, TextWriter stdout)
    {
        schema = CheckedSchema(schema);
        NpgsqlDataSource dataSource;
        try
        {
            dataSource = NpgsqlDataSource.Create(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new CliException("--connection: not a valid connection string: " + e.Message, e);
        }

        using (dataSource)
        {
            OutboxMigrationResult result;
            try
            {
                result = new OutboxMigrator(dataSource, schema).MigrateAsync().GetAwaiter().GetResult();
            }
            catch (NpgsqlException e)
            {
                // PostgresException carries the server's message; others (connection refused...) their own.
                throw new CliException("migrate: " + e.Message, e);
            }

            var applied = string.Join(", ", result.Applied.Select(v => v.ToString(CultureInfo.InvariantCulture)));
            stdout.Write(result.Applied.Count == 0
                ? $"schema \"{schema}\" is up to date at version {result.Version.ToString(CultureInfo.InvariantCulture)}\n"
                : $"schema \"{schema}\": applied version {applied}; now at version {result.Version.ToString(CultureInfo.InvariantCulture)}\n");
            return 0;
        }
    }

    private static string ReplicationRolesScript(string schema, string relay, string? publication, string[] changeTables)
    {
        var tables = new List<(string Schema, string Table)>();
        foreach (var table in changeTables)
        {
            // schema.table as in [ChangeFeed("schema.table")]; a schema holding a dot cannot be named here.
            var dot = table.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || dot == table.Length - 1)
            {
                throw new CliException($"--change-table: '{table}' is not schema.table; name the table with its schema, e.g. --change-table sales.orders.");
            }

            tables.Add((Checked("--change-table", table[..dot])!, Checked("--change-table", table[(dot + 1)..])!));
        }

        try
        {
            return OutboxReplicationRoles.Script(schema, relay, publication, tables);
        }
        catch (ArgumentException e)
        {
            throw new CliException("--publication: " + e.Message, e);
        }
    }

    private static string CheckedSchema(string schema) => Checked("--schema", schema)!;

    private static string? Checked(string option, string? identifier)
    {
        if (identifier is null)
        {
            return null;
        }

        try
        {
            _ = OutboxSchema.QuoteIdentifier(identifier);
            return identifier;
        }
        catch (ArgumentException e)
        {
            throw new CliException(option + ": " + e.Message.Split(" (Parameter", 2)[0], e);
        }
    }
}
