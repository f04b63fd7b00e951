using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using OutboxSdk.Hosting;
using OutboxSdk.Retention;
using OutboxSdk;

namespace OutboxSdk.Observability.Tests;

[Collection(PostgresCollection.Name)]
public sealed class RetentionTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset March10Noon = new(2031, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private static PartitionMaintainer Maintainer(OutboxScope outbox, TimeSpan? window = null, TimeSpan? interval = null) =>
        new(outbox.Schema, window ?? TimeSpan.FromDays(3), interval ?? TimeSpan.FromDays(1),
            new PendingBacklogProbe(outbox.Schema), NullLogger.Instance);

    private static async Task<string> PartitionsAsync(OutboxScope outbox)
    {
        await using var connection = await outbox.DataSource.OpenConnectionAsync();
        var partitions = await PartitionCatalog.ReadAsync(connection, outbox.Schema, CancellationToken.None);
        return string.Join(",", partitions.Select(p => p.Name));
    }

    [Fact]
    public async Task Creates_the_current_and_next_partitions_ahead_so_new_rows_skip_the_default_partition()
    {
        await using var outbox = await fixture.NewOutboxAsync();
        var run = await Maintainer(outbox).RunAsync(outbox.DataSource, March10Noon, CancellationToken.None);

        Assert.False(run.LockBusy);
        Assert.Equal(["messages_p20310310", "messages_p20310311"], run.Created);
        Assert.Equal("messages_default,messages_p20310310,messages_p20310311", await PartitionsAsync(outbox));

        await outbox.InsertMessageAsync(new DateTimeOffset(2031, 3, 11, 23, 59, 59, TimeSpan.Zero));
        Assert.Equal(1L, await outbox.ScalarAsync<long>($"SELECT count(*) FROM {outbox.Q}.\"messages_p20310311\""));
        Assert.Equal(0L, await outbox.ScalarAsync<long>($"SELECT count(*) FROM {outbox.Q}.\"messages_default\""));

        var again = await Maintainer(outbox).RunAsync(outbox.DataSource, March10Noon.AddHours(6), CancellationToken.None);
        Assert.Empty(again.Created);
        Assert.Empty(again.Dropped);
    }

    [Fact]
    public async Task Rows_already_in_the_default_partition_move_into_the_new_partition_with_their_ids()
    {
        await using var outbox = await fixture.NewOutboxAsync();
        var id = await outbox.InsertMessageAsync(new DateTimeOffset(2031, 3, 10, 8, 0, 0, TimeSpan.Zero));
        var outside = await outbox.InsertMessageAsync(new DateTimeOffset(2031, 2, 1, 0, 0, 0, TimeSpan.Zero));
        await outbox.MarkDeliveredThroughAsync(id); // the moved row was delivered already

        var run = await Maintainer(outbox).RunAsync(outbox.DataSource, March10Noon, CancellationToken.None);

        Assert.Equal(1, run.RowsMoved);
        // Moving a row is not a new message: the relay's queue still holds only the undelivered one.
        Assert.Equal(outside, await outbox.ScalarAsync<long>($"SELECT \"id\" FROM {outbox.Q}.\"pending\""));
        Assert.Equal(id, await outbox.ScalarAsync<long>($"SELECT \"id\" FROM {outbox.Q}.\"messages_p20310310\""));
        Assert.Equal(outside, await outbox.ScalarAsync<long>($"SELECT \"id\" FROM {outbox.Q}.\"messages_default\""));
        Assert.Equal(2L, await outbox.ScalarAsync<long>($"SELECT count(*) FROM {outbox.Q}.\"messages\""));
    }

    [Fact]
    public async Task Drops_expired_delivered_partitions_and_keeps_an_expired_one_with_undelivered_rows()
    {
        await using var outbox = await fixture.NewOutboxAsync();
        var march1 = new DateTimeOffset(2031, 3, 1, 0, 0, 0, TimeSpan.Zero);
        await Maintainer(outbox).RunAsync(outbox.DataSource, march1, CancellationToken.None);
        await outbox.InsertMessageAsync(march1.AddHours(1));
        var delivered = await outbox.InsertMessageAsync(march1.AddHours(2));
        await outbox.InsertMessageAsync(march1.AddDays(1).AddHours(1));
        await outbox.MarkDeliveredThroughAsync(delivered);

        var run = await Maintainer(outbox).RunAsync(outbox.DataSource, March10Noon, CancellationToken.None);

        Assert.Equal(["messages_p20310301"], run.Dropped);
        Assert.Equal(["messages_p20310302"], run.Kept);
        Assert.Equal("messages_default,messages_p20310302,messages_p20310310,messages_p20310311", await PartitionsAsync(outbox));
        Assert.Equal(1L, await outbox.ScalarAsync<long>($"SELECT count(*) FROM {outbox.Q}.\"messages\""));
    }

    [Fact]
    public async Task Partitions_within_the_window_are_kept_even_when_delivered()
    {
        await using var outbox = await fixture.NewOutboxAsync();
        await Maintainer(outbox).RunAsync(outbox.DataSource, March10Noon.AddDays(-2), CancellationToken.None);
        await outbox.MarkDeliveredThroughAsync(long.MaxValue);

        // p20310308 ends on the 9th, two days and twelve hours before now: inside the three-day window.
        var run = await Maintainer(outbox).RunAsync(outbox.DataSource, March10Noon, CancellationToken.None);
        Assert.Empty(run.Dropped);
        Assert.Equal("messages_default,messages_p20310308,messages_p20310309,messages_p20310310,messages_p20310311", await PartitionsAsync(outbox));
    }

    [Fact]
    public async Task Concurrent_runs_create_each_partition_once_without_errors()
    {
        await using var outbox = await fixture.NewOutboxAsync();
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => Maintainer(outbox).RunAsync(outbox.DataSource, March10Noon, CancellationToken.None))));

        Assert.Contains(runs, r => !r.LockBusy);
        Assert.Equal(["messages_p20310310", "messages_p20310311"], runs.SelectMany(r => r.Created).Order());
        Assert.Equal("messages_default,messages_p20310310,messages_p20310311", await PartitionsAsync(outbox));
    }

    [Fact]
    public async Task Works_in_a_quoted_schema_name_with_a_space_and_a_quote()
    {
        await using var outbox = await fixture.NewOutboxAsync(" Out \"box\"");
        var march1 = new DateTimeOffset(2031, 3, 1, 0, 0, 0, TimeSpan.Zero);
        await outbox.InsertMessageAsync(march1.AddHours(3));
        var first = await Maintainer(outbox).RunAsync(outbox.DataSource, march1, CancellationToken.None);
        Assert.Equal(1, first.RowsMoved);
        await outbox.MarkDeliveredThroughAsync(long.MaxValue);

        var run = await Maintainer(outbox).RunAsync(outbox.DataSource, March10Noon, CancellationToken.None);
        Assert.Equal(["messages_p20310301", "messages_p20310302"], run.Dropped);
        Assert.Equal("messages_default,messages_p20310310,messages_p20310311", await PartitionsAsync(outbox));
    }

    [Theory]
    [InlineData("2031-03-10T13:30:00Z", 360, "messages_p20310310_1200", "2031-03-10T18:00:00Z")]
    [InlineData("2031-03-10T00:00:00Z", 1440, "messages_p20310310", "2031-03-11T00:00:00Z")]
    [InlineData("1969-12-31T23:00:00Z", 1440, "messages_p19691231", "1970-01-01T00:00:00Z")]
    public void Ranges_are_aligned_to_the_epoch_and_named_deterministically(string instant, int minutes, string name, string to)
    {
        var range = PartitionRange.Containing(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(minutes));
        Assert.Equal(name, range.TableName);
        Assert.Equal(DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture), range.To);
    }

    [Fact]
    public async Task The_hosted_retention_service_creates_partitions_when_the_host_starts()
    {
        await using var outbox = await fixture.NewOutboxAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddOutbox(o =>
        {
            o.DataSource = fixture.DataSource;
            o.Schema = outbox.Schema;
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while ((await PartitionsAsync(outbox)).Split(',').Length < 3 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            var today = PartitionRange.Containing(DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
            Assert.Equal($"messages_default,{today.TableName},{today.Next.TableName}", await PartitionsAsync(outbox));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
