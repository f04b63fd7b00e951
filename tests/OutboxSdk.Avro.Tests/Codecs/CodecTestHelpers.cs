using System.Buffers;
using System.Diagnostics;
using System.Text;
using OutboxSdk.Avro.Container;

namespace OutboxSdk.Avro.Tests.Codecs;

internal static class CodecTestHelpers
{
    public const int FiveMegabytes = 5 * 1024 * 1024;

    public static readonly string[] CodecNames = ["null", "deflate", "snappy", "zstandard"];

    public static readonly string[] InputKinds = ["empty", "tiny", "repetitive", "random", "text", "large"];

    /// <summary>Deterministic test inputs, so any failure reproduces.</summary>
    public static byte[] Input(string kind) => kind switch
    {
        "empty" => [],
        "tiny" => [42],
        "repetitive" => Enumerable.Repeat((byte)'a', 100_000).Concat(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("abcdefgh", 20_000)))).ToArray(),
        "random" => RandomBytes(200_000, 1),
        "text" => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 5_000).Select(i => "{\"station\":\"0" + (i % 97) + "-99999\",\"temp\":" + (i * 7 % 300) + "}\n"))),
        "large" => Large(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static byte[] Compress(AvroCodec codec, ReadOnlySpan<byte> data)
    {
        var writer = new ArrayBufferWriter<byte>();
        codec.Compress(data, writer);
        return writer.WrittenSpan.ToArray();
    }

    public static byte[] Decompress(AvroCodec codec, ReadOnlySpan<byte> data, int max = int.MaxValue)
    {
        var writer = new ArrayBufferWriter<byte>();
        codec.Decompress(data, writer, max);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Runs a tool with <paramref name="input"/> on stdin; null when the tool is not installed.</summary>
    public static (int ExitCode, byte[] Output, string Error)? Run(string tool, string arguments, byte[] input)
    {
        var start = new ProcessStartInfo(tool, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        using (process)
        {
            var output = new MemoryStream();
            Task copyOut = process.StandardOutput.BaseStream.CopyToAsync(output);
            Task<string> error = process.StandardError.ReadToEndAsync();
            process.StandardInput.BaseStream.Write(input);
            process.StandardInput.Close();
            copyOut.Wait();
            process.WaitForExit();
            return (process.ExitCode, output.ToArray(), error.Result);
        }
    }

    // Mixes compressible and incompressible stretches so codecs switch modes many times.
    private static byte[] Large()
    {
        var data = new byte[FiveMegabytes];
        var random = new Random(5);
        int position = 0;
        while (position < data.Length)
        {
            int length = Math.Min(random.Next(1, 70_000), data.Length - position);
            Span<byte> part = data.AsSpan(position, length);
            switch (random.Next(3))
            {
                case 0:
                    random.NextBytes(part);
                    break;
                case 1:
                    part.Fill((byte)random.Next(256));
                    break;
                default:
                    for (int i = 0; i < part.Length; i++)
                    {
                        part[i] = (byte)"weather-station-"[i % 16];
                    }

                    break;
            }

            position += length;
        }

        return data;
    }
}
