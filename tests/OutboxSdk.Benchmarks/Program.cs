// Benchmarks of OutboxSdk.Avro. Never run by the tests.
//   dotnet run -c Release --project tests/OutboxSdk.Benchmarks -- codec            BenchmarkDotNet: encode/decode vs System.Text.Json
//   dotnet run -c Release --project tests/OutboxSdk.Benchmarks -- codecs           BenchmarkDotNet: compress/decompress one 64 KiB container block per codec
//   dotnet run -c Release --project tests/OutboxSdk.Benchmarks -- serializer       BenchmarkDotNet: generated Avro serializer vs System.Text.Json source-gen
//   dotnet run -c Release --project tests/OutboxSdk.Benchmarks -- latency [rate/s] [seconds]  commit -> NOTIFY floor and commit -> handler latency
//   dotnet run -c Release --project tests/OutboxSdk.Benchmarks -- replication [messages]  Replication relay vs pg_recvlogical reading the same N messages (default 100000)
//   dotnet run -c Release --project tests/OutboxSdk.Benchmarks -- writers [writers] [seconds] [rounds]  what SerializeWritersPerKey costs writers (default 8 5 3)
//   dotnet run -c Release --project tests/OutboxSdk.Benchmarks -- bigfile [MiB] [codec]  write then read a container of MiB (default 1024, codec null), report peak memory
using BenchmarkDotNet.Running;
using OutboxSdk.Benchmarks;

switch (args.FirstOrDefault())
{
    case "bigfile":
        return BigFile.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1024, args.Length > 2 ? args[2] : "null");
    case "latency":
        return await Latency.RunAsync(
            args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000,
            args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10);
    case "writers":
        return await KeyedWriters.RunAsync(
            args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 8,
            args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5,
            args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 3);
    case "replication":
        return await ReplicationThroughput.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
    case "codec":
        BenchmarkRunner.Run<EncodingBenchmarks>(args: args[1..]);
        return 0;
    case "codecs":
        BenchmarkRunner.Run<CodecBenchmarks>(args: args[1..]);
        return 0;
    case "serializer":
        BenchmarkRunner.Run<SerializerBenchmarks>(args: args[1..]);
        return 0;
    default:
        Console.Error.WriteLine("usage: OutboxSdk.Benchmarks codec|codecs|serializer [BenchmarkDotNet args] | bigfile [MiB] [codec] | latency [rate/s] [seconds] | replication [messages] | writers [writers] [seconds] [rounds]");
        return 2;
}
