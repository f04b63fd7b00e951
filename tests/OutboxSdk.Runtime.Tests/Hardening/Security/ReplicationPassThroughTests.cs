using Hardening.Tests.BadInput;
using Hardening.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OutboxSdk.Generated;

namespace Hardening.Tests.Security;

/// <summary>
/// The Replication relay's own connections (Npgsql opens replication connections from a connection string, not from
/// the data source) get the application's credentials: the password from <c>Replication.PasswordProvider</c>, the
/// same provider the data source uses, and TLS from the data source's connection string.
/// </summary>
[Collection(SecuredPostgresCollection.Name)]
public sealed class ReplicationPassThroughTests(SecuredPostgresFixture fixture)
{
    [Fact]
    public async Task A_password_provider_authenticates_the_replication_connection_whose_connection_string_has_no_password()
    {
        var schema = PostgresFixture.NewName();
        await using var roles = await Roles.CreateAsync(fixture, schema, asOwner: owner => ReplicationScenario.CreateAccountsAsync(owner, schema));
        await fixture.ExecuteAsync($"ALTER ROLE \"{roles.Owner}\" REPLICATION"); // the owner runs everything here: publication, slot, delivery
        var password = roles.Password(roles.Owner);
        var asked = new List<string>();
        Func<NpgsqlConnectionStringBuilder, CancellationToken, ValueTask<string>> provider = (settings, _) =>
        {
            lock (asked)
            {
                asked.Add(settings.Username!);
            }

            return ValueTask.FromResult(password);
        };
        var noPassword = new NpgsqlConnectionStringBuilder(ReplicationScenario.WithSearchPath(roles.ConnectionString(roles.Owner), schema)) { Password = null }.ConnectionString;
        var builder = new NpgsqlDataSourceBuilder(noPassword);
        builder.UsePasswordProvider(_ => password, provider);
        await using var dataSource = builder.Build();
        Assert.DoesNotContain(password, dataSource.ConnectionString, StringComparison.Ordinal);

        var host = await HardeningHost.StartAsync(schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o =>
        {
            ReplicationScenario.Replication(o);
            o.DataSource = dataSource;
            o.ApplyMigrations = false;
            o.Replication.PasswordProvider = provider;
        });
        try
        {
            await ReplicationScenario.InsertAccountAsync(dataSource, schema, 1, "ann");
            await Publisher.PublishAsync(host, dataSource, new Ping("pw", 0));
            await ReplicationScenario.WaitForDeliveryAsync(host.Services.GetRequiredService<Recorder>(), new Ping("pw", 0), new Account(1, "ann"), "delivery through a replication connection authenticated by the provider");

            Assert.True(await fixture.ScalarAsync<bool>($"SELECT count(*) > 0 FROM pg_stat_replication WHERE usename = '{roles.Owner}'"), "a replication connection of the role streams");
            lock (asked)
            {
                // Asked for the snapshot's and the stream's replication connections (and by the data source for its own).
                Assert.True(asked.Count >= 2, $"the provider was asked {asked.Count} time(s)");
                Assert.All(asked, user => Assert.Equal(roles.Owner, user));
            }
        }
        finally
        {
            await HardeningHost.StopAsync(host);
        }
    }

    [Fact]
    public async Task Without_the_provider_the_replication_connection_fails_with_a_message_that_names_the_option()
    {
        var schema = PostgresFixture.NewName();
        await using var roles = await Roles.CreateAsync(fixture, schema, asOwner: owner => ReplicationScenario.CreateAccountsAsync(owner, schema));
        await fixture.ExecuteAsync($"ALTER ROLE \"{roles.Owner}\" REPLICATION");
        var password = roles.Password(roles.Owner);
        var builder = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(ReplicationScenario.WithSearchPath(roles.ConnectionString(roles.Owner), schema)) { Password = null }.ConnectionString);
        builder.UsePasswordProvider(_ => password, (_, _) => ValueTask.FromResult(password));
        await using var dataSource = builder.Build();

        // The snapshot is due (a change-feed table), so the first replication connection opens while the host starts.
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => HardeningHost.StartAsync(schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o =>
        {
            ReplicationScenario.Replication(o);
            o.DataSource = dataSource;
            o.ApplyMigrations = false;
        }));

        Assert.Contains("OutboxOptions.Replication.PasswordProvider", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(password, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_replication_connection_uses_the_data_sources_tls_settings()
    {
        var schema = PostgresFixture.NewName();
        await using var roles = await Roles.CreateAsync(fixture, schema, asOwner: owner => ReplicationScenario.CreateAccountsAsync(owner, schema));
        await fixture.ExecuteAsync($"ALTER ROLE \"{roles.Owner}\" REPLICATION; GRANT {SecuredPostgresFixture.TlsOnlyGroup} TO \"{roles.Owner}\""); // pg_hba rejects it without TLS
        var connectionString = new NpgsqlConnectionStringBuilder(ReplicationScenario.WithSearchPath(roles.ConnectionString(roles.Owner), schema))
        {
            SslMode = SslMode.VerifyFull,
            RootCertificate = fixture.CertificateFile,
            PersistSecurityInfo = true, // the password in the data source's connection string, so the replication connection has it too
        }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        var host = await HardeningHost.StartAsync(schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o =>
        {
            ReplicationScenario.Replication(o);
            o.DataSource = dataSource;
            o.ApplyMigrations = false;
        });
        try
        {
            await ReplicationScenario.InsertAccountAsync(dataSource, schema, 1, "tls");
            await Publisher.PublishAsync(host, dataSource, new Ping("tls", 0));
            await ReplicationScenario.WaitForDeliveryAsync(host.Services.GetRequiredService<Recorder>(), new Ping("tls", 0), new Account(1, "tls"), "delivery over TLS");
            Assert.True(await fixture.ScalarAsync<bool>($"SELECT bool_and(s.ssl) AND count(*) > 0 FROM pg_stat_replication r JOIN pg_stat_ssl s USING (pid) WHERE r.usename = '{roles.Owner}'"));
        }
        finally
        {
            await HardeningHost.StopAsync(host);
        }
    }
}
