using System.Text.RegularExpressions;
using Hardening.Tests.BadInput;
using Hardening.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using OutboxSdk.Cli;
using OutboxSdk.Generated;
using OutboxSdk.Hosting;
using OutboxSdk.Migrations;
using OutboxSdk.Schema;
using OutboxSdk.Operations;
using OutboxSdk.Sources.Wal;
using OutboxSdk;

namespace Hardening.Tests.Security;

/// <summary>
/// Replication mode with schemas whose names hold quotes, spaces, SQL and non-ASCII letters: the slot and publication
/// names derived from them are valid, stable and distinct, the owner's replication script and the relay quote
/// everything, and configured slot or publication names that would break out of their quoting are refused.
/// </summary>
[Collection(SecuredPostgresCollection.Name)]
public sealed partial class ReplicationQuotingTests(SecuredPostgresFixture fixture)
{
    public static TheoryData<string> Schemas() =>
    [
        "we\"ird sch ema " + Suffix(),
        "x\"; DROP TABLE public.canary; -- " + Suffix(),
        "it's-" + Suffix(),
        "Ünï Cödé " + Suffix(),
    ];

    [Theory]
    [MemberData(nameof(Schemas))]
    public async Task A_replication_outbox_in_an_oddly_named_schema_delivers_messages_and_changes(string schema)
    {
        await fixture.ExecuteAsync("CREATE TABLE IF NOT EXISTS public.canary (id int)");
        await using var dataSource = NpgsqlDataSource.Create(ReplicationScenario.WithSearchPath(fixture.ConnectionString, schema));
        var slot = ReplicationNames.DefaultSlot(schema, "postgres");
        var publication = ReplicationNames.DefaultPublication(schema);
        try
        {
            // As an owner would: migrate, create the application's table, run the replication part of the roles script.
            await new OutboxMigrator(dataSource, schema).MigrateAsync();
            await ReplicationScenario.CreateAccountsAsync(dataSource, schema);
            await using (var script = dataSource.CreateCommand(OutboxReplicationRoles.Script(schema, "postgres", changeFeedTables: [(schema, "accounts")])))
            {
                await script.ExecuteNonQueryAsync();
            }

            var host = await HardeningHost.StartAsync(schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o =>
            {
                ReplicationScenario.Replication(o);
                o.DataSource = dataSource;
            });
            try
            {
                await ReplicationScenario.InsertAccountAsync(dataSource, schema, 7, "odd");
                await Publisher.PublishAsync(host, dataSource, new Ping("q", 0));
                await ReplicationScenario.WaitForDeliveryAsync(host.Services.GetRequiredService<Recorder>(), new Ping("q", 0), new Account(7, "odd"), "delivery in the oddly named schema");
            }
            finally
            {
                await HardeningHost.StopAsync(host);
            }

            Assert.Matches(SlotAlphabet(), slot);
            Assert.Equal(1L, await fixture.ScalarAsync<long>($"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{slot}' AND plugin = 'pgoutput'"));
            await using var tables = dataSource.CreateCommand("SELECT count(*) FROM pg_publication_tables WHERE pubname = $1 AND schemaname = $2 AND tablename IN ('messages', 'accounts')");
            tables.Parameters.Add(new NpgsqlParameter<string> { TypedValue = publication });
            tables.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
            Assert.Equal(2L, (long)(await tables.ExecuteScalarAsync())!);
        }
        finally
        {
            await fixture.ExecuteAsync($"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{slot}'");
            await fixture.ExecuteAsync("DROP PUBLICATION IF EXISTS " + OutboxSchema.QuoteIdentifier(publication));
            await fixture.ExecuteAsync(OutboxSdkSql.DropSchema(schema));
        }

        Assert.Equal(0L, await fixture.ScalarAsync<long>("SELECT count(*) FROM public.canary"));
        Assert.Equal(0L, await fixture.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname IN ('x', 'we', 'it')"));
    }

    [Fact]
    public void Derived_slot_names_are_valid_stable_and_distinct_for_schemas_that_fold_alike()
    {
        string[] schemas = ["orders", "a b", "a_b", "A_B", "a\"b", "a'b", "ä_b", new string('s', 63), new string('s', 62) + "t", "Ünï Cödé", "x\"; DROP TABLE public.canary; --"];
        var slots = schemas.Select(s => ReplicationNames.DefaultSlot(s, "shop")).ToList();
        var legacy = schemas.Select(ReplicationNames.LegacySlot).ToList();

        Assert.All([.. slots, .. legacy], s => Assert.Matches(SlotAlphabet(), s));
        Assert.Equal(slots.Count, slots.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(legacy.Count, legacy.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(slots, schemas.Select(s => ReplicationNames.DefaultSlot(s, "shop"))); // a pure function: the same on every start
        Assert.Equal("outbox_orders", legacy[0]); // a name already in the alphabet is kept as it is
        Assert.All(schemas.Select(ReplicationNames.DefaultPublication), p => Assert.Null(ReplicationNames.PublicationProblem(p)));
        Assert.Equal("outbox_a b", ReplicationNames.DefaultPublication("a b")); // quoted in SQL, so kept
        Assert.Equal(ReplicationNames.LegacySlot("a\"b"), ReplicationNames.DefaultPublication("a\"b")); // a quote cannot be in START_REPLICATION's list
    }

    [Theory]
    [InlineData("SlotName", "x'; DROP TABLE public.canary; --")]
    [InlineData("SlotName", "Outbox Orders")]
    [InlineData("PublicationName", "p'; DROP TABLE public.canary; --")]
    [InlineData("PublicationName", "p\"); DROP TABLE public.canary; --")]
    [InlineData("PublicationName", "a,b")]
    public void A_configured_name_that_cannot_be_quoted_where_it_goes_is_refused_with_the_option_named(string option, string name)
    {
        var e = Assert.Throws<OptionsValidationException>(() => HardeningHost.Build("s", s => { }, o =>
        {
            o.ConnectionString = fixture.ConnectionString;
            o.RelayMode = RelayMode.Replication;
            if (option == "SlotName")
            {
                o.Replication.SlotName = name;
            }
            else
            {
                o.Replication.PublicationName = name;
            }
        }).Services.GetRequiredService<IOptions<OutboxOptions>>().Value);

        Assert.Contains("OutboxOptions.Replication." + option, e.Message, StringComparison.Ordinal);
        Assert.Contains("such as 'outbox_orders'", e.Message, StringComparison.Ordinal); // and what to do instead
    }

    [Fact]
    public void The_replication_roles_script_refuses_a_publication_name_it_cannot_stream_from()
    {
        var e = Assert.Throws<ArgumentException>(() => OutboxReplicationRoles.Script("outbox", publication: "p'; DROP TABLE public.canary; --"));
        Assert.Contains("single quote", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cli_quotes_the_replication_scripts_names_and_names_a_bad_option()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.Equal(0, OutboxCli.Run(["script", "--roles", "--replication", "--schema", "a\"b", "--relay", "r r", "--change-table", "s s.t\"; DROP TABLE public.canary; --"], stdout, stderr));
        Assert.Contains("GRANT SELECT ON \"s s\".\"t\"\"; DROP TABLE public.canary; --\" TO \"r r\";", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("CREATE PUBLICATION \"outbox_a_b_", stdout.ToString(), StringComparison.Ordinal); // the default for a schema with a quote: the slot's name

        Assert.Equal(1, OutboxCli.Run(["script", "--roles", "--replication", "--change-table", "accounts"], stdout, stderr));
        Assert.Contains("--change-table: 'accounts' is not schema.table", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, OutboxCli.Run(["script", "--roles", "--replication", "--publication", "p'; DROP TABLE public.canary; --"], stdout, stderr));
        Assert.Contains("--publication:", stderr.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex("^[a-z0-9_]{1,63}$")]
    private static partial Regex SlotAlphabet();

    private static string Suffix() => Guid.NewGuid().ToString("N")[..6];
}
