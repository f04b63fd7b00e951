using Hardening.Tests.BadInput;
using Hardening.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OutboxSdk.Generated;

namespace Hardening.Tests.Security;

/// <summary>
/// What the application configures on its NpgsqlDataSource reaches every connection the SDK opens: a rotating
/// password from a provider (as for IAM tokens), and TLS with a verified server certificate.
/// </summary>
[Collection(SecuredPostgresCollection.Name)]
public sealed class DataSourcePassThroughTests(SecuredPostgresFixture fixture)
{
    [Fact]
    public async Task A_periodic_password_provider_authenticates_the_outbox_across_a_password_rotation()
    {
        await using var roles = await Roles.CreateAsync(fixture, PostgresFixture.NewName());
        var password = roles.Password(roles.Relay);
        var calls = 0;
        var builder = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(roles.ConnectionString(roles.Relay)) { Password = null }.ConnectionString);
        builder.UsePeriodicPasswordProvider((_, _) =>
        {
            Interlocked.Increment(ref calls);
            return ValueTask.FromResult(Volatile.Read(ref password));
        }, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(100));
        await using var dataSource = builder.Build();

        var host = await HardeningHost.StartAsync(roles.Schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o =>
        {
            o.DataSource = dataSource;
            o.ApplyMigrations = false;
        });
        try
        {
            var recorder = host.Services.GetRequiredService<Recorder>();
            await Publisher.PublishAsync(host, dataSource, new Ping("rot", 0));
            await recorder.WaitForAsync(r => r.Seen.Count == 1, "delivery with the first password");

            // Rotate: the server takes only the new password; the provider hands it out at its next refresh.
            var rotated = "rotated-" + Guid.NewGuid().ToString("N");
            await fixture.ExecuteAsync($"ALTER ROLE \"{roles.Relay}\" PASSWORD '{rotated}'");
            var before = Volatile.Read(ref calls);
            Volatile.Write(ref password, rotated);
            await Recorder.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref calls) > before + 1), "the provider's refresh");
            dataSource.Clear(); // idle connections authenticated with the old password go; new ones must use the new one

            await Publisher.PublishAsync(host, dataSource, new Ping("rot", 1));
            await recorder.WaitForAsync(r => r.Seen.Count == 2, "delivery after the rotation");
            await using var old = NpgsqlDataSource.Create(roles.ConnectionString(roles.Relay));
            await Assert.ThrowsAsync<PostgresException>(async () => await old.OpenConnectionAsync()); // the old password is really gone
        }
        finally
        {
            await HardeningHost.StopAsync(host);
        }
    }

    [Fact]
    public async Task A_data_source_that_verifies_the_servers_certificate_publishes_and_delivers_over_tls()
    {
        await using var roles = await Roles.CreateAsync(fixture, PostgresFixture.NewName());
        await fixture.ExecuteAsync($"GRANT {SecuredPostgresFixture.TlsOnlyGroup} TO \"{roles.Relay}\""); // pg_hba now rejects it without TLS
        var connectionString = new NpgsqlConnectionStringBuilder(roles.ConnectionString(roles.Relay))
        {
            SslMode = SslMode.VerifyFull,
            RootCertificate = fixture.CertificateFile,
        }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var plain = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(roles.ConnectionString(roles.Relay)) { SslMode = SslMode.Disable }.ConnectionString);
        await Assert.ThrowsAsync<PostgresException>(async () => await plain.OpenConnectionAsync());

        var host = await HardeningHost.StartAsync(roles.Schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o =>
        {
            o.DataSource = dataSource;
            o.ApplyMigrations = false;
        });
        try
        {
            await Publisher.PublishAsync(host, dataSource, new Ping("tls", 0));
            await host.Services.GetRequiredService<Recorder>().WaitForAsync(r => r.Seen.Count == 1, "delivery over TLS");
            Assert.True(await fixture.ScalarAsync<bool>($"SELECT bool_and(s.ssl) AND count(*) > 0 FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.usename = '{roles.Relay}'"));
        }
        finally
        {
            await HardeningHost.StopAsync(host);
        }
    }
}
