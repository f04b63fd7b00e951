using Hardening.Tests.Infrastructure;
using Npgsql;
using OutboxSdk.Cli;
using OutboxSdk.Migrations;

namespace Hardening.Tests.Security;

/// <summary>
/// An owner, a publisher and a relay role for one schema, set up as docs/security.md says: the owner migrates and
/// runs the SQL of <c>outbox script --roles</c>; the others get nothing but those GRANTs. Dropped on dispose.
/// </summary>
internal sealed class Roles : IAsyncDisposable
{
    private readonly PostgresFixture _fixture;

    private Roles(PostgresFixture fixture, string schema)
    {
        _fixture = fixture;
        Schema = schema;
        var suffix = Guid.NewGuid().ToString("N")[..8];
        (Owner, Publisher, Relay) = ("owner_" + suffix, "publisher_" + suffix, "relay_" + suffix);
    }

    public string Schema { get; }

    public string Owner { get; }

    public string Publisher { get; }

    public string Relay { get; }

    public string Password(string role) => "pw-" + role + "-Xy9!";

    public string ConnectionString(string role) => _fixture.ConnectionStringAs(role, Password(role));

    /// <summary>
    /// The roles for <paramref name="schema"/>; <paramref name="asOwner"/> runs as the owner after the migrations and
    /// before the roles script, which <paramref name="scriptArgs"/> extends (e.g. with --replication).
    /// </summary>
    public static async Task<Roles> CreateAsync(PostgresFixture fixture, string schema, string? channel = null, Func<NpgsqlDataSource, Task>? asOwner = null, string[]? scriptArgs = null)
    {
        var roles = new Roles(fixture, schema);
        foreach (var role in new[] { roles.Owner, roles.Publisher, roles.Relay })
        {
            await fixture.ExecuteAsync($"CREATE ROLE \"{role}\" LOGIN PASSWORD '{roles.Password(role)}'");
        }

        // The owner creates the schema: CREATE on the database, nothing more.
        await fixture.ExecuteAsync($"GRANT CREATE ON DATABASE postgres TO \"{roles.Owner}\"");
        await using var owner = NpgsqlDataSource.Create(roles.ConnectionString(roles.Owner));
        await new OutboxMigrator(owner, schema).MigrateAsync();
        if (asOwner is not null)
        {
            await asOwner(owner);
        }

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        string[] args = ["script", "--roles", "--schema", schema, "--publisher", roles.Publisher, "--relay", roles.Relay];
        args = [.. args, .. scriptArgs ?? []];
        var exit = OutboxCli.Run(channel is null ? args : [.. args, "--channel", channel], stdout, stderr);
        Assert.True(exit == 0, stderr.ToString());
        await using var command = owner.CreateCommand(stdout.ToString());
        await command.ExecuteNonQueryAsync();
        return roles;
    }

    public async ValueTask DisposeAsync()
    {
        await _fixture.ExecuteAsync(OutboxSdkSql.DropSchema(Schema));
        await _fixture.ExecuteAsync($"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE 'outbox\\_{Schema}%' AND NOT active");
        foreach (var role in new[] { Publisher, Relay, Owner })
        {
            await _fixture.ExecuteAsync($"DROP OWNED BY \"{role}\"; DROP ROLE \"{role}\"");
        }
    }
}

internal static class OutboxSdkSql
{
    public static string DropSchema(string schema) => $"DROP SCHEMA IF EXISTS {OutboxSdk.Schema.OutboxSchema.QuoteIdentifier(schema)} CASCADE";
}
