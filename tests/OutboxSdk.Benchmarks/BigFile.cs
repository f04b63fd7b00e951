using System.Diagnostics;
using OutboxSdk.Avro.Container;

namespace OutboxSdk.Benchmarks;

/// <summary>Writes then reads a container file of the given size, reporting throughput and peak memory.</summary>
internal static class BigFile
{
    public static int Run(int mebibytes, string codecName)
    {
        var path = Path.Combine(Path.GetTempPath(), $"outbox-bigfile-{Environment.ProcessId}.avro");
        var target = (long)mebibytes * 1024 * 1024;
        try
        {
            var watch = Stopwatch.StartNew();
            long written = 0;
            using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            using (var writer = new AvroContainerWriter(file, SampleData.Schema, AvroCodecs.Get(codecName), leaveOpen: true))
            {
                var order = SampleData.Order(1);
                while (file.Position < target)
                {
                    // Reuse one datum: the point is the file's size, not building objects.
                    writer.Append(order);
                    written++;
                }
            }

            var writeSeconds = watch.Elapsed.TotalSeconds;
            var size = new FileInfo(path).Length;
            var peakAfterWrite = Process.GetCurrentProcess().PeakWorkingSet64;

            watch.Restart();
            long read = 0;
            using (var reader = AvroContainerReader.Open(File.OpenRead(path)))
            {
                foreach (var _ in reader.ReadAll())
                {
                    read++;
                }
            }

            var readSeconds = watch.Elapsed.TotalSeconds;
            Process.GetCurrentProcess().Refresh();
            var peak = Process.GetCurrentProcess().PeakWorkingSet64;
            Console.WriteLine($"file        {size / 1048576.0:F0} MiB ({codecName}), {written:N0} records");
            Console.WriteLine($"write       {writeSeconds:F1} s, {written / writeSeconds:N0} records/s, {size / 1048576.0 / writeSeconds:F1} MiB/s of file");
            Console.WriteLine($"read        {readSeconds:F1} s, {read / readSeconds:N0} records/s, {size / 1048576.0 / readSeconds:F1} MiB/s of file");
            Console.WriteLine($"peak memory {peakAfterWrite / 1048576.0:F0} MiB after writing, {peak / 1048576.0:F0} MiB after reading (working set)");
            return read == written ? 0 : 1;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
