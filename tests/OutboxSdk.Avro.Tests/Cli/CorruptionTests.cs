using OutboxSdk.Avro.Tests;

namespace OutboxSdk.Cli.Tests;

/// <summary>Whatever is wrong with a container, tojson either succeeds or fails with one line: never a stack trace.</summary>
public sealed class CorruptionTests : IClassFixture<TempDir>
{
    private readonly TempDir _temp;

    public CorruptionTests(TempDir temp) => _temp = temp;

    [Theory]
    [InlineData("weather.avro")]
    [InlineData("weather-deflate.avro")]
    [InlineData("weather-snappy.avro")]
    [InlineData("weather-zstd.avro")]
    public void Every_truncation_fails_cleanly(string name)
    {
        var bytes = File.ReadAllBytes(TestData.File(name));
        var file = _temp.NewPath(name);
        for (var length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(file, bytes[..length]);
            var result = CliHarness.Run("avro", "tojson", file);
            if (result.ExitCode != 0)
            {
                ErrorTests.AssertOneLineError(result, $"outbox: {file}: ");
            }
        }
    }

    [Theory]
    [InlineData("weather.avro")]
    [InlineData("weather-deflate.avro")]
    [InlineData("weather-snappy.avro")]
    [InlineData("weather-zstd.avro")]
    public void Random_byte_corruption_fails_cleanly(string name)
    {
        var original = File.ReadAllBytes(TestData.File(name));
        var random = new Random(name.Length);
        var file = _temp.NewPath(name);
        for (var round = 0; round < 300; round++)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            File.WriteAllBytes(file, bytes);
            foreach (var verb in new[] { "tojson", "getschema" })
            {
                var result = CliHarness.Run("avro", verb, file);
                if (result.ExitCode != 0)
                {
                    ErrorTests.AssertOneLineError(result, $"outbox: {file}: ");
                }
            }
        }
    }
}
