using System.Globalization;

namespace OutboxSdk.Avro.Container;

/// <summary>Shared wording of codec failures, so every codec reports the same limit in the same words.</summary>
internal static class CodecErrors
{
    public static AvroFormatException TooLarge(string codec, long length, int maxDecompressedLength, long position) =>
        new(codec + " block decompresses to " + length.ToString(CultureInfo.InvariantCulture)
            + " bytes or more, past the limit of " + maxDecompressedLength.ToString(CultureInfo.InvariantCulture) + " bytes",
            position);

    public static AvroFormatException TooLarge(string codec, int maxDecompressedLength, long position) =>
        new(codec + " block decompresses to more than the limit of "
            + maxDecompressedLength.ToString(CultureInfo.InvariantCulture) + " bytes", position);
}
