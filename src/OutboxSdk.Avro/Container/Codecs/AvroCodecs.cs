using System.Diagnostics.CodeAnalysis;

namespace OutboxSdk.Avro.Container;

/// <summary>
/// The codecs this library supports, by their <c>avro.codec</c> names
/// (see Avro spec, Object Container Files, Required Codecs and Optional Codecs).
/// </summary>
public static class AvroCodecs
{
    private static readonly AvroCodec[] All = [new NullCodec(), new DeflateCodec(), new SnappyCodec(), new ZstandardCodec()];

    /// <summary>The <c>null</c> codec (no compression).</summary>
    public static AvroCodec Null => All[0];

    /// <summary>The <c>deflate</c> codec at its default level.</summary>
    public static AvroCodec Deflate => All[1];

    /// <summary>The <c>snappy</c> codec.</summary>
    public static AvroCodec Snappy => All[2];

    /// <summary>The <c>zstandard</c> codec at its default level.</summary>
    public static AvroCodec Zstandard => All[3];

    /// <summary>The names of every supported codec.</summary>
    public static IReadOnlyList<string> SupportedNames { get; } = Array.AsReadOnly(Array.ConvertAll(All, codec => codec.Name));

    /// <summary>Finds the codec named <paramref name="name"/>; names are case-sensitive, as in the spec.</summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out AvroCodec? codec)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (AvroCodec candidate in All)
        {
            if (string.Equals(candidate.Name, name, StringComparison.Ordinal))
            {
                codec = candidate;
                return true;
            }
        }

        codec = null;
        return false;
    }

    /// <summary>Returns the codec named <paramref name="name"/>, or throws <see cref="AvroException"/> for an unknown name.</summary>
    public static AvroCodec Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryGet(name, out AvroCodec? codec))
        {
            return codec;
        }

        throw new AvroException(
            "Unknown Avro codec \"" + name + "\"; supported codecs are " + string.Join(", ", SupportedNames) + ".");
    }
}
