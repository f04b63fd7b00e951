using Hardening.Tests.BadInput;
using Hardening.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OutboxSdk.Cli;
using OutboxSdk.DeadLetters;
using OutboxSdk.Generated;
using OutboxSdk.Schema;
using OutboxSdk;

namespace Hardening.Tests.Security;

/// <summary>
/// Every identifier that comes from configuration is quoted: schemas and channels with quotes, spaces, semicolons
/// and SQL in them work end to end (migrate, partitions, register, publish, notify, deliver, dead letter, status)
/// and an injection attempt is just an odd name.
/// </summary>
[Collection(SecuredPostgresCollection.Name)]
public sealed class QuotedIdentifierTests(SecuredPostgresFixture fixture)
{
    public static TheoryData<string, string?> Names() => new()
    {
        { "we\"ird sch ema " + Suffix(), null },
        { "x\"; DROP TABLE public.canary; -- " + Suffix(), "c\"; DROP TABLE public.canary; --" },
        { "it's-" + Suffix(), "ch'an nel'); DROP TABLE public.canary; --" },
        { "Ünï Cödé " + Suffix(), "Ünï chännel" },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public async Task An_outbox_in_a_schema_with_quotes_spaces_and_sql_in_its_name_works_end_to_end(string schema, string? channel)
    {
        await fixture.ExecuteAsync("CREATE TABLE IF NOT EXISTS public.canary (id int)");
        await using var dataSource = fixture.CreateDataSource();
        var host = await HardeningHost.StartAsync(schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o =>
        {
            o.DataSource = dataSource;
            o.NotifyChannel = channel;
            o.PollInterval = TimeSpan.FromMinutes(10); // only a notification on the configured channel can deliver in time
        });
        var q = OutboxSchema.QuoteIdentifier(schema);
        try
        {
            // Startup migrated, made the time partitions and registered the schemas in the oddly named schema.
            Assert.True(await fixture.ScalarAsync<long>($"SELECT count(*) FROM pg_inherits WHERE inhparent = '{q.Replace("'", "''", StringComparison.Ordinal)}.\"messages\"'::regclass") >= 3);
            Assert.True(await fixture.ScalarAsync<long>($"SELECT count(*) FROM {q}.schemas") >= 1);

            await Publisher.PublishAsync(host, dataSource, new Ping("q", 0));
            await host.Services.GetRequiredService<Recorder>().WaitForAsync(r => r.Seen.Count == 1, "delivery woken by the notification");

            await using (var bad = dataSource.CreateCommand($"INSERT INTO {q}.messages (message_id, subject, partition_key, schema_fingerprint, payload) VALUES (gen_random_uuid(), 'hardening.ping', 'q', 1, '\\x00'::bytea)"))
            {
                await bad.ExecuteNonQueryAsync();
            }

            var deadLetters = host.Services.GetRequiredService<IDeadLetters>();
            await Recorder.WaitUntilAsync(async () => (await deadLetters.ListAsync()).Count == 1, "the dead letter");

            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            Assert.True(OutboxCli.Run(["status", "--connection", fixture.ConnectionString, "--schema", schema], stdout, stderr) == 0, stderr.ToString());
            Assert.True(OutboxCli.Run(["dead-letters", "list", "--connection", fixture.ConnectionString, "--schema", schema], stdout, stderr) == 0, stderr.ToString());
            Assert.Contains("hardening.ping", stdout.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await HardeningHost.StopAsync(host);
            await fixture.ExecuteAsync(OutboxSdkSql.DropSchema(schema));
        }

        // The canary survived, and no schema was created under the name before the quote.
        Assert.Equal(0L, await fixture.ScalarAsync<long>("SELECT count(*) FROM public.canary"));
        Assert.Equal(0L, await fixture.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname IN ('x', 'we', 'it')"));
    }

    [Fact]
    public async Task The_roles_script_quotes_role_names()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.Equal(0, OutboxCli.Run(["script", "--roles", "--schema", "a\"b", "--publisher", "p\"; DROP ROLE postgres; --", "--relay", "r r"], stdout, stderr));

        Assert.Contains("TO \"p\"\"; DROP ROLE postgres; --\";", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("TO \"r r\";", stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, OutboxCli.Run(["script", "--roles", "--relay", new string('r', 64)], stdout, stderr));
        Assert.Contains("--relay:", stderr.ToString(), StringComparison.Ordinal);
    }

    private static string Suffix() => Guid.NewGuid().ToString("N")[..6];
}
