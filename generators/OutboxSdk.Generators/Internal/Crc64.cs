using System.Text;

namespace OutboxSdk.Generators.Internal;

/// <summary>CRC-64-AVRO (see Avro spec, "Schema Fingerprints"), so fingerprints are compile-time constants.</summary>
internal static class Crc64
{
    private const ulong Empty = 0xc15d213aa4d7a795UL;
    private static readonly ulong[] Table = Build();

    public static long Fingerprint(string canonicalForm)
    {
        var fp = Empty;
        foreach (var b in Encoding.UTF8.GetBytes(canonicalForm))
        {
            fp = (fp >> 8) ^ Table[(int)(fp ^ b) & 0xff];
        }

        return unchecked((long)fp);
    }

    private static ulong[] Build()
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
