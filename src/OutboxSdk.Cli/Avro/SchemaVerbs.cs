using System.Globalization;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Cli.Avro;

/// <summary><c>outbox avro canonical</c> and <c>outbox avro fingerprint</c>.</summary>
internal static class SchemaVerbs
{
    public static int Canonical(string schemaFile, TextWriter stdout)
    {
        var schema = CliFiles.LoadSchema(schemaFile);
        stdout.Write(schema.ToCanonicalForm());
        stdout.Write('\n');
        return 0;
    }

    public static int Fingerprint(string schemaFile, string algorithmName, TextWriter stdout)
    {
        FingerprintAlgorithm algorithm = algorithmName.ToLowerInvariant() switch
        {
            "rabin" => FingerprintAlgorithm.Rabin,
            "md5" => FingerprintAlgorithm.Md5,
            "sha256" => FingerprintAlgorithm.Sha256,
            _ => throw new CliException($"--algorithm: unknown fingerprint algorithm '{algorithmName}' (use rabin, md5 or sha256)"),
        };
        var schema = CliFiles.LoadSchema(schemaFile);
        stdout.Write(algorithm == FingerprintAlgorithm.Rabin
            ? schema.Fingerprint64.ToString(CultureInfo.InvariantCulture)
            : Convert.ToHexStringLower(SchemaFingerprint.Compute(schema, algorithm)));
        stdout.Write('\n');
        return 0;
    }
}
