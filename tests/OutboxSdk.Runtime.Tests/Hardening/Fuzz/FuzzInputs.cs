namespace Hardening.Tests.Fuzz;

/// <summary>
/// Hostile inputs from a seeded generator (a failure names its seed and case, so it can be replayed): random bytes,
/// and mutations of a valid encoding — bit flips, overwritten, inserted and deleted bytes, truncation, and long
/// varints that claim huge lengths or counts.
/// </summary>
internal static class FuzzInputs
{
    private static readonly byte[][] HostileVarints =
    [
        [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], // zig-zag long.MaxValue
        [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], // long.MinValue: a negative count
        [0xFE, 0xFF, 0xFF, 0xFF, 0x0F],                               // int.MaxValue
        [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], // a varint longer than 10 bytes
        [0x01],                                                       // -1
        [0xFE, 0xFF, 0xFF, 0x7F],                                     // 134 million
    ];

    public static IEnumerable<(string Case, byte[] Bytes)> For(int seed, IReadOnlyList<byte[]> valid, int count)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var baseline = valid[random.Next(valid.Count)];
            var kind = random.Next(8);
            var name = $"seed {seed} #{i} kind {kind}";
            yield return (name, kind switch
            {
                0 => RandomBytes(random, random.Next(0, 64)),
                1 => FlipBits(random, baseline),
                2 => Overwrite(random, baseline),
                3 => baseline[..random.Next(baseline.Length)],
                4 => Insert(random, baseline, RandomBytes(random, random.Next(1, 8))),
                5 => Delete(random, baseline),
                _ => Insert(random, baseline, HostileVarints[random.Next(HostileVarints.Length)]),
            });
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] FlipBits(Random random, byte[] baseline)
    {
        var bytes = (byte[])baseline.Clone();
        for (var n = random.Next(1, 4); n > 0 && bytes.Length > 0; n--)
        {
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        }

        return bytes;
    }

    private static byte[] Overwrite(Random random, byte[] baseline)
    {
        var bytes = (byte[])baseline.Clone();
        if (bytes.Length > 0)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        }

        return bytes;
    }

    private static byte[] Insert(Random random, byte[] baseline, byte[] inserted)
    {
        var at = random.Next(baseline.Length + 1);
        return [.. baseline[..at], .. inserted, .. baseline[at..]];
    }

    private static byte[] Delete(Random random, byte[] baseline)
    {
        if (baseline.Length == 0)
        {
            return baseline;
        }

        var at = random.Next(baseline.Length);
        var length = random.Next(1, Math.Min(8, baseline.Length - at) + 1);
        return [.. baseline[..at], .. baseline[(at + length)..]];
    }
}
