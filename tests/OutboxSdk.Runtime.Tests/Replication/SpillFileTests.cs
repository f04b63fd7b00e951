using OutboxSdk.Hosting;
using OutboxSdk.Operations;
using OutboxSdk.Sources.Wal;
using OutboxSdk;


namespace Replication.Tests;

/// <summary>
/// A streamed transaction's spill file must not outlive the relay: a relay killed with SIGKILL (or by the OOM killer)
/// runs no cleanup, so a file left under its name would accumulate in the temp folder, one per killed stream.
/// </summary>
public sealed class SpillFileTests
{
    [Fact]
    public void The_spill_file_has_no_name_in_the_temp_folder_while_it_is_in_use()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Windows deletes a delete-on-close file when its process ends, however it ends
        }

        using var file = SpillableLog.OpenSpillFile();
        var data = new byte[100_000];
        Random.Shared.NextBytes(data);
        file.Write(data);

        Assert.False(File.Exists(file.Name), $"{file.Name} is visible: a killed relay would leave it behind");

        // Still a working file through its handle.
        file.Position = 0;
        var back = new byte[data.Length];
        file.ReadExactly(back);
        Assert.Equal(data, back);
    }

    [Fact]
    public void A_log_that_spilled_reads_back_every_record_in_order()
    {
        var budget = new StreamBufferBudget(1024);
        using var log = new SpillableLog(budget);
        var records = Enumerable.Range(0, 200).Select(i => Enumerable.Repeat((byte)i, 50 + i).ToArray()).ToList();
        foreach (var record in records)
        {
            log.Append(record);
        }

        Assert.True(log.HasSpilled);
        Assert.Equal(records, ReadAll(log));
    }

    [Fact]
    public void Cutting_a_spilled_log_back_drops_exactly_the_records_after_the_cut()
    {
        // An aborted subtransaction cuts the log back to where it began, which may be in memory or in the file.
        var budget = new StreamBufferBudget(1024);
        using var log = new SpillableLog(budget);
        var records = Enumerable.Range(0, 200).Select(i => Enumerable.Repeat((byte)i, 50 + i).ToArray()).ToList();
        var lengths = new List<long>();
        foreach (var record in records)
        {
            lengths.Add(log.Length);
            log.Append(record);
        }

        log.Truncate(lengths[150]); // in the file
        Assert.Equal(records.Take(150), ReadAll(log));
    }

    private static List<byte[]> ReadAll(SpillableLog log)
    {
        var result = new List<byte[]>();
        foreach (var record in log.Records())
        {
            result.Add(record.ToArray());
        }

        return result;
    }
}
