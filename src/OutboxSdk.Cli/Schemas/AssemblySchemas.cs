using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace OutboxSdk.Cli.Schemas;

/// <summary>A subject and its schema JSON, as an assembly records them.</summary>
internal sealed record ExportedSchema(string Subject, string SchemaJson);

/// <summary>
/// Reads the generator's <c>[assembly: AvroSchemaExport(subject, json)]</c> attributes from a compiled assembly's
/// metadata with System.Reflection.Metadata: nothing is loaded or run, so the assembly's dependencies need not be
/// present and the tool stays trimming- and AOT-friendly.
/// </summary>
internal static class AssemblySchemas
{
    private const string AttributeNamespace = "OutboxSdk.Avro.Serialization";
    private const string AttributeName = "AvroSchemaExportAttribute";

    public static List<ExportedSchema> Read(string assemblyFile)
    {
        FileStream stream;
        try
        {
            stream = File.OpenRead(assemblyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliErrors.Io(assemblyFile, e);
        }

        using (stream)
        using (var pe = new PEReader(stream))
        {
            try
            {
                if (!pe.HasMetadata)
                {
                    throw NotAssembly(assemblyFile);
                }

                var metadata = pe.GetMetadataReader();
                if (!metadata.IsAssembly)
                {
                    throw NotAssembly(assemblyFile);
                }

                return ReadAttributes(metadata);
            }
            catch (BadImageFormatException)
            {
                throw NotAssembly(assemblyFile);
            }
        }
    }

    private static List<ExportedSchema> ReadAttributes(MetadataReader metadata)
    {
        var found = new List<ExportedSchema>();
        foreach (var handle in metadata.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = metadata.GetCustomAttribute(handle);
            if (!IsExportAttribute(metadata, attribute))
            {
                continue;
            }

            // see ECMA-335 II.23.3: prolog 0x0001, then each fixed argument; a string is a SerString.
            var blob = metadata.GetBlobReader(attribute.Value);
            if (blob.ReadUInt16() != 1)
            {
                throw new BadImageFormatException("custom attribute blob without its prolog");
            }

            var subject = blob.ReadSerializedString();
            var json = blob.ReadSerializedString();
            if (subject is not null && json is not null)
            {
                found.Add(new ExportedSchema(subject, json));
            }
        }

        return found;
    }

    // The generated attribute's constructor is a MemberReference into OutboxSdk.Avro (or a MethodDefinition when
    // the assembly is OutboxSdk.Avro itself, which has no messages; not handled).
    private static bool IsExportAttribute(MetadataReader metadata, CustomAttribute attribute)
    {
        if (attribute.Constructor.Kind != HandleKind.MemberReference)
        {
            return false;
        }

        var parent = metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
        if (parent.Kind != HandleKind.TypeReference)
        {
            return false;
        }

        var type = metadata.GetTypeReference((TypeReferenceHandle)parent);
        return metadata.StringComparer.Equals(type.Name, AttributeName) && metadata.StringComparer.Equals(type.Namespace, AttributeNamespace);
    }

    private static CliException NotAssembly(string file) => new(file + ": not a .NET assembly");
}
