using System.Security.Cryptography;
using System.Text;

namespace OutboxSdk.Avro.Schema;

/// <summary>The fingerprint algorithms of the specification (see Avro spec, "Schema Fingerprints").</summary>
public enum FingerprintAlgorithm
{
    /// <summary>CRC-64-AVRO, the 64-bit Rabin fingerprint single-object encoding uses.</summary>
    Rabin,
    /// <summary>MD5 (128 bits).</summary>
    Md5,
    /// <summary>SHA-256 (256 bits).</summary>
    Sha256,
}

/// <summary>Fingerprints of a schema's Parsing Canonical Form.</summary>
public static class SchemaFingerprint
{
    // see Avro spec, "Schema Fingerprints": the CRC-64-AVRO polynomial's empty value.
    private const ulong Empty = 0xc15d213aa4d7a795UL;
    private static readonly ulong[] Table = BuildTable();

    /// <summary>The CRC-64-AVRO fingerprint of a canonical form, as the signed value schema-tests.txt prints.</summary>
    public static long Rabin(string canonicalForm) => Rabin(Encoding.UTF8.GetBytes(canonicalForm));

    /// <summary>The CRC-64-AVRO fingerprint of UTF-8 bytes.</summary>
    public static long Rabin(ReadOnlySpan<byte> bytes)
    {
        var fp = Empty;
        foreach (var b in bytes)
        {
            fp = (fp >> 8) ^ Table[(int)(fp ^ b) & 0xff];
        }

        return unchecked((long)fp);
    }

    /// <summary>The fingerprint bytes of <paramref name="schema"/>: Rabin little-endian (8 bytes), MD5 (16) or SHA-256 (32).</summary>
    public static byte[] Compute(AvroSchema schema, FingerprintAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var bytes = Encoding.UTF8.GetBytes(schema.ToCanonicalForm());
        switch (algorithm)
        {
            case FingerprintAlgorithm.Rabin:
                var result = new byte[8];
                System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(result, Rabin(bytes));
                return result;
            case FingerprintAlgorithm.Md5:
#pragma warning disable CA5351 // MD5 is one of the specification's fingerprints, not used for security.
                return MD5.HashData(bytes);
#pragma warning restore CA5351
            case FingerprintAlgorithm.Sha256:
                return SHA256.HashData(bytes);
            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null);
        }
    }

    private static ulong[] BuildTable()
    {
        var table = new ulong[256];
        for (var i = 0; i < 256; i++)
        {
            var fp = (ulong)i;
            for (var j = 0; j < 8; j++)
            {
                fp = (fp >> 1) ^ (Empty & (0UL - (fp & 1)));
            }

            table[i] = fp;
        }

        return table;
    }
}
