namespace OutboxSdk.Avro.Container;

/// <summary>Constants of Avro object container files (see Avro spec, "Object Container Files").</summary>
internal static class ContainerFormat
{
    public const int SyncLength = 16;
    public const string SchemaKey = "avro.schema";
    public const string CodecKey = "avro.codec";
    public static ReadOnlySpan<byte> Magic => "Obj\u0001"u8;
}
