using System.Text.RegularExpressions;
using Hardening.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;
using OutboxSdk.Cli;
using OutboxSdk.Generated;

namespace Hardening.Tests.Security;

/// <summary>No password and no connection string in logs, exceptions or the CLI's output when things go wrong.</summary>
[Collection(SecuredPostgresCollection.Name)]
public sealed class SecretTests(SecuredPostgresFixture fixture)
{
    private const string Password = "Wr0ng-Pa55word-Zq7";

    [Fact]
    public async Task A_startup_with_a_wrong_password_fails_without_the_password_in_its_logs_or_exception()
    {
        await using var roles = await Roles.CreateAsync(fixture, PostgresFixture.NewName());
        var connectionString = new NpgsqlConnectionStringBuilder(roles.ConnectionString(roles.Relay)) { Password = Password }.ConnectionString;
        var logs = new LogSink();

        var e = await Assert.ThrowsAnyAsync<Exception>(() => HardeningHost.StartAsync(roles.Schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o =>
        {
            o.ConnectionString = connectionString;
            o.ApplyMigrations = false;
        }, logs));

        var everything = e + "\n" + logs.All;
        Assert.Contains("password authentication failed", everything, StringComparison.Ordinal); // it did fail for that reason
        AssertNoSecret(everything, connectionString);
    }

    [Fact]
    public void An_invalid_connection_string_is_reported_without_its_password()
    {
        var connectionString = $"Host=127.0.0.1;Username=app;Password={Password};Port=not-a-port";

        var e = Assert.Throws<OptionsValidationException>(() => HardeningHost.Build("s", s => { }, o => o.ConnectionString = connectionString).Services.GetService(typeof(IOptions<OutboxSdk.OutboxOptions>)) is IOptions<OutboxSdk.OutboxOptions> options ? options.Value : null);

        Assert.Contains("ConnectionString", e.Message, StringComparison.Ordinal);
        AssertNoSecret(e.ToString(), connectionString);
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("status")]
    [InlineData("dead-letters list")]
    [InlineData("dead-letters replay 1")]
    public async Task The_cli_reports_a_wrong_password_without_it(string verb)
    {
        await using var roles = await Roles.CreateAsync(fixture, PostgresFixture.NewName());
        var connectionString = new NpgsqlConnectionStringBuilder(roles.ConnectionString(roles.Relay)) { Password = Password }.ConnectionString;
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = OutboxCli.Run([.. verb.Split(' '), "--connection", connectionString, "--schema", roles.Schema], stdout, stderr);

        Assert.NotEqual(0, exit);
        Assert.Contains("password authentication failed", stderr.ToString(), StringComparison.Ordinal);
        AssertNoSecret(stdout + "\n" + stderr, connectionString);
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("status")]
    public void The_cli_reports_an_invalid_connection_string_without_its_password(string verb)
    {
        var connectionString = $"Host=127.0.0.1;Username=app;Password={Password};Port=not-a-port";
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        Assert.NotEqual(0, OutboxCli.Run([verb, "--connection", connectionString], stdout, stderr));

        Assert.Contains("port", stderr.ToString(), StringComparison.Ordinal); // what is wrong is named
        AssertNoSecret(stdout + "\n" + stderr, connectionString);
    }

    private static void AssertNoSecret(string text, string connectionString)
    {
        Assert.DoesNotContain(Password, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(connectionString, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex("Password=(?!\\.\\.\\.)", RegexOptions.IgnoreCase), text); // "Password=..." in a hint is no secret
    }
}
