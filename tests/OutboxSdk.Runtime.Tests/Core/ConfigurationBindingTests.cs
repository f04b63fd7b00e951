using System.Reflection;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OutboxSdk.Avro.Compatibility;
using OutboxSdk.Observability;

namespace OutboxSdk.Runtime.Tests.Core;

/// <summary><c>services.AddOutbox(configuration.GetSection("Outbox"))</c>: every option from appsettings.json, code after it.</summary>
public sealed class ConfigurationBindingTests
{
    // Every bindable option, each with a value other than its default (checked below, so a new option must be added here).
    private static readonly Dictionary<string, string?> Everything = new(StringComparer.Ordinal)
    {
        ["Outbox:ConnectionString"] = "Host=db.example;Database=shop;Username=shop",
        ["Outbox:Schema"] = "shop_outbox",
        ["Outbox:RelayMode"] = "Replication",
        ["Outbox:RunRelay"] = "false",
        ["Outbox:ApplyMigrations"] = "false",
        ["Outbox:BatchSize"] = "250",
        ["Outbox:MaxDegreeOfParallelism"] = "3",
        ["Outbox:PollInterval"] = "00:00:05",
        ["Outbox:LeaderTimeout"] = "00:00:09",
        ["Outbox:SerializeWritersPerKey"] = "true",
        ["Outbox:RelayConnectionString"] = "Host=db.example;Port=5433;Database=shop;Username=relay",
        ["Outbox:SchemaCompatibility"] = "Full",
        ["Outbox:NotifyChannel"] = "shop_wake",
        ["Outbox:Retry:MaxAttempts"] = "9",
        ["Outbox:Retry:InitialDelay"] = "00:00:00.250",
        ["Outbox:Retry:MaxDelay"] = "00:02:00",
        ["Outbox:Retry:HandlerTimeout"] = "00:00:45",
        ["Outbox:Retry:UnreadableSchemaTimeout"] = "02:00:00",
        ["Outbox:Retry:UnreadableSchemaStepDownAfter"] = "00:00:20",
        ["Outbox:Retention:Window"] = "14.00:00:00",
        ["Outbox:Retention:PartitionInterval"] = "06:00:00",
        ["Outbox:Retention:CheckInterval"] = "00:10:00",
        ["Outbox:ChangeFeed:UnchangedToast"] = "Throw",
        ["Outbox:Replication:SlotName"] = "shop_slot",
        ["Outbox:Replication:PublicationName"] = "shop_publication",
        ["Outbox:Replication:HeartbeatInterval"] = "00:00:30",
        ["Outbox:Replication:SnapshotMode"] = "WhenNeeded",
        ["Outbox:Replication:StreamBufferBytes"] = "1048576",
        ["Outbox:Replication:StandbyRetryInterval"] = "00:00:07",
        ["Outbox:Replication:WriteMode"] = "LogicalMessage",
        ["Outbox:Replication:MessagePrefix"] = "shop:",
        ["Outbox:Replication:Binary"] = "false",
        ["Outbox:Replication:ConnectionString"] = "Host=db.example;Database=shop;Username=replicator",
        ["Outbox:Replication:GapReplayMargin"] = "00:30:00",
        ["Outbox:Replication:RetainedWalWarningBytes"] = "2147483648",
        ["Outbox:Replication:FailoverSlot"] = "false",
        ["Outbox:Health:MaxBacklogAge"] = "00:05:00",
        ["Outbox:Health:MissedBeatsBeforeUnhealthy"] = "7",
        ["Outbox:Health:BacklogSampleInterval"] = "00:00:20",
    };

    [Fact]
    public void Every_key_is_bound()
    {
        using var provider = Provider(Everything);
        var o = provider.GetRequiredService<IOptions<OutboxOptions>>().Value;
        var health = provider.GetRequiredService<IOptions<OutboxHealthOptions>>().Value;

        Assert.Equal("Host=db.example;Database=shop;Username=shop", o.ConnectionString);
        Assert.Equal("shop_outbox", o.Schema);
        Assert.Equal(RelayMode.Replication, o.RelayMode);
        Assert.False(o.RunRelay);
        Assert.False(o.ApplyMigrations);
        Assert.Equal(250, o.BatchSize);
        Assert.Equal(3, o.MaxDegreeOfParallelism);
        Assert.Equal(TimeSpan.FromSeconds(5), o.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(9), o.LeaderTimeout);
        Assert.True(o.SerializeWritersPerKey);
        Assert.Equal("Host=db.example;Port=5433;Database=shop;Username=relay", o.RelayConnectionString);
        Assert.Equal(CompatibilityLevel.Full, o.SchemaCompatibility);
        Assert.Equal("shop_wake", o.EffectiveNotifyChannel);
        Assert.Equal(9, o.Retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(250), o.Retry.InitialDelay);
        Assert.Equal(TimeSpan.FromMinutes(2), o.Retry.MaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(45), o.Retry.HandlerTimeout);
        Assert.Equal(TimeSpan.FromHours(2), o.Retry.UnreadableSchemaTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20), o.Retry.UnreadableSchemaStepDownAfter);
        Assert.Equal(TimeSpan.FromDays(14), o.Retention.Window);
        Assert.Equal(TimeSpan.FromHours(6), o.Retention.PartitionInterval);
        Assert.Equal(TimeSpan.FromMinutes(10), o.Retention.CheckInterval);
        Assert.Equal(ToastPolicy.Throw, o.ChangeFeed.UnchangedToast);
        Assert.Equal("shop_slot", o.Replication.SlotName);
        Assert.Equal("shop_publication", o.Replication.PublicationName);
        Assert.Equal(TimeSpan.FromSeconds(30), o.Replication.HeartbeatInterval);
        Assert.Equal(SnapshotMode.WhenNeeded, o.Replication.SnapshotMode);
        Assert.Equal(1L << 20, o.Replication.StreamBufferBytes);
        Assert.Equal(TimeSpan.FromSeconds(7), o.Replication.StandbyRetryInterval);
        Assert.Equal(OutboxWriteMode.LogicalMessage, o.Replication.WriteMode);
        Assert.Equal("shop:", o.Replication.MessagePrefix);
        Assert.False(o.Replication.Binary);
        Assert.Equal("Host=db.example;Database=shop;Username=replicator", o.Replication.ConnectionString);
        Assert.Equal(TimeSpan.FromMinutes(30), o.Replication.GapReplayMargin);
        Assert.Equal(2L << 30, o.Replication.RetainedWalWarningBytes);
        Assert.False(o.Replication.FailoverSlot);
        Assert.Equal(TimeSpan.FromMinutes(5), health.MaxBacklogAge);
        Assert.Equal(7, health.MissedBeatsBeforeUnhealthy);
        Assert.Equal(TimeSpan.FromSeconds(20), health.BacklogSampleInterval);
    }

    [Fact]
    public void Excluded_change_feed_entities_bind_from_a_list()
    {
        using var provider = Provider(new Dictionary<string, string?>
        {
            ["Outbox:ConnectionString"] = "Host=db.example;Database=shop;Username=shop",
            ["Outbox:ChangeFeed:ExcludedEntities:0"] = "shop.orders",
            ["Outbox:ChangeFeed:ExcludedEntities:1"] = "Shop.Payment",
        });

        var o = provider.GetRequiredService<IOptions<OutboxOptions>>().Value;

        Assert.Equal(["Shop.Payment", "shop.orders"], o.ChangeFeed.ExcludedEntities.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_option_configuration_can_hold_has_a_key_in_this_test()
    {
        // Settable scalars only: a DataSource or a password provider cannot come from appsettings.json.
        var expected = Keys(typeof(OutboxOptions), "Outbox").Concat(Keys(typeof(OutboxHealthOptions), "Outbox:Health"));

        Assert.Equal(expected.Order(StringComparer.Ordinal), Everything.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_appsettings_json_section_binds_with_the_same_names()
    {
        var json = """
            {
              "Outbox": {
                "ConnectionString": "Host=localhost;Database=shop;Username=shop",
                "RelayMode": "Notify",
                "PollInterval": "00:00:02",
                "Retry": { "MaxAttempts": 3 },
                "Health": { "MaxBacklogAge": "00:02:00" }
              }
            }
            """;
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var services = new ServiceCollection().AddOutbox(configuration.GetSection("Outbox"));
        using var provider = services.BuildServiceProvider();

        var o = provider.GetRequiredService<IOptions<OutboxOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(2), o.PollInterval);
        Assert.Equal(3, o.Retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(30), o.Retry.MaxDelay); // not in the section: the default stays
        Assert.Equal(TimeSpan.FromMinutes(2), provider.GetRequiredService<IOptions<OutboxHealthOptions>>().Value.MaxBacklogAge);
    }

    [Fact]
    public void The_appsettings_json_of_docs_aspnetcore_md_binds_and_passes_validation()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "OutboxSdk.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("the repository root was not found");
        }

        var page = File.ReadAllText(Path.Combine(root, "docs", "aspnetcore.md"));
        var json = System.Text.RegularExpressions.Regex.Match(page, "```json\n(.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        using var provider = new ServiceCollection().AddOutbox(configuration.GetSection("Outbox")).BuildServiceProvider();

        // Value runs the validators: the page's "every key, with its default" must be a valid configuration.
        var o = provider.GetRequiredService<IOptions<OutboxOptions>>().Value;
        var health = provider.GetRequiredService<IOptions<OutboxHealthOptions>>().Value;
        Assert.Equal(new OutboxOptions().Retention.PartitionInterval, o.Retention.PartitionInterval);
        Assert.Equal(new OutboxOptions().Replication.StreamBufferBytes, o.Replication.StreamBufferBytes);
        Assert.Equal(new OutboxHealthOptions().BacklogSampleInterval, health.BacklogSampleInterval);
    }

    [Fact]
    public void Code_runs_after_configuration_and_overrides_only_what_it_sets()
    {
        var configuration = Configuration(new() { ["Outbox:ConnectionString"] = "Host=a;Database=b", ["Outbox:BatchSize"] = "10", ["Outbox:Schema"] = "from_config" });
        var services = new ServiceCollection().AddOutbox(configuration.GetSection("Outbox"), o => o.BatchSize = 20);
        using var provider = services.BuildServiceProvider();

        var o = provider.GetRequiredService<IOptions<OutboxOptions>>().Value;
        Assert.Equal(20, o.BatchSize);
        Assert.Equal("from_config", o.Schema);
    }

    [Theory]
    [InlineData("Outbox:BatchSize", "0", "OutboxOptions.BatchSize must be at least 1")]
    [InlineData("Outbox:PollInterval", "00:00:00", "OutboxOptions.PollInterval must be positive")]
    [InlineData("Outbox:Schema", "", "OutboxOptions.Schema '' is not a Postgres identifier")]
    [InlineData("Outbox:Retry:MaxAttempts", "0", "OutboxOptions.Retry.MaxAttempts must be at least 1")]
    [InlineData("Outbox:Retention:PartitionInterval", "00:00:30", "OutboxOptions.Retention.PartitionInterval is 00:00:30")]
    [InlineData("Outbox:Replication:SlotName", "Bad Slot", "OutboxOptions.Replication.SlotName", "Replication")]
    [InlineData("Outbox:Health:MissedBeatsBeforeUnhealthy", "0", "OutboxHealthOptions.MissedBeatsBeforeUnhealthy must be at least 1")]
    public async Task An_invalid_value_stops_the_host_naming_its_configuration_key(string key, string value, string failure, string relayMode = "Notify")
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => StartHost(new() { ["Outbox:ConnectionString"] = "Host=a;Database=b", ["Outbox:RelayMode"] = relayMode, [key] = value }));

        var message = Assert.Single(e.Failures);
        Assert.StartsWith(failure, message, StringComparison.Ordinal);
        Assert.EndsWith($"(configuration key '{key}')", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Outbox:PollInterval", "soon")]
    [InlineData("Outbox:RelayMode", "Kafka")]
    [InlineData("Outbox:Retry:MaxAttempts", "many")]
    public async Task A_value_that_does_not_convert_names_its_configuration_key(string key, string value)
    {
        var e = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => StartHost(new() { ["Outbox:ConnectionString"] = "Host=a;Database=b", [key] = value }));

        Assert.Contains($"'{key}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_key_is_not_ignored_silently_but_named_with_the_keys_of_its_level()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => StartHost(new()
        {
            ["Outbox:ConnectionString"] = "Host=a;Database=b",
            ["Outbox:PolInterval"] = "00:00:05",
            ["Outbox:Retry:MaxAttempt"] = "3",
            ["Outbox:batchSize"] = "50", // keys match ignoring case, as configuration does
            ["Outbox:Health:MaxBacklog"] = "00:02:00",
        }));

        Assert.Equal(3, e.Failures.Count());
        Assert.Contains(e.Failures, f => f.StartsWith("Configuration key 'Outbox:PolInterval' is not a setting of OutboxOptions", StringComparison.Ordinal) && f.Contains("PollInterval", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("Configuration key 'Outbox:Retry:MaxAttempt' is not a setting of OutboxRetryOptions", StringComparison.Ordinal) && f.Contains("MaxAttempts", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("Configuration key 'Outbox:Health:MaxBacklog' is not a setting of OutboxHealthOptions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_value_set_in_code_is_not_attributed_to_configuration()
    {
        var configuration = Configuration(new() { ["Outbox:ConnectionString"] = "Host=a;Database=b" });
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddOutbox(configuration.GetSection("Outbox"), o => o.BatchSize = 0);
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.DoesNotContain("configuration key", Assert.Single(e.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_string_that_does_not_parse_is_named_by_key_and_not_repeated()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => StartHost(new() { ["Outbox:ConnectionString"] = "Host=x;Password=s3cret;Bogus Keyword=1" }));

        var message = Assert.Single(e.Failures);
        Assert.EndsWith("(configuration key 'Outbox:ConnectionString')", message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", message, StringComparison.Ordinal);
    }

    private static async Task StartHost(Dictionary<string, string?> values)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(values);
        builder.Services.AddOutbox(builder.Configuration.GetSection("Outbox"));
        using var host = builder.Build();
        await host.StartAsync(); // validation runs before any hosted service touches the (unreachable) database
        await host.StopAsync();
    }

    private static ServiceProvider Provider(Dictionary<string, string?> values) =>
        new ServiceCollection().AddOutbox(Configuration(values).GetSection("Outbox")).BuildServiceProvider();

    private static IConfigurationRoot Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static IEnumerable<string> Keys(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var t = property.PropertyType;
            if (property.SetMethod is { IsPublic: true } && (t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(TimeSpan)))
            {
                yield return prefix + ":" + property.Name;
            }
            else if (property.SetMethod is null && t.IsClass && t != typeof(string) && t.Namespace == "OutboxSdk")
            {
                foreach (var key in Keys(t, prefix + ":" + property.Name))
                {
                    yield return key;
                }
            }
        }
    }
}
