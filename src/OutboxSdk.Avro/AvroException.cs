namespace OutboxSdk.Avro;

/// <summary>The base of every error this library raises for Avro input it cannot accept.</summary>
public class AvroException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AvroException() { }

    /// <summary>Creates the exception with a message.</summary>
    public AvroException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public AvroException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>A schema that breaks the specification. <see cref="Path"/> names where (<c>fields[2].type.items</c>).</summary>
public sealed class AvroSchemaException : AvroException
{
    /// <summary>Creates the exception for the schema element at <paramref name="path"/>.</summary>
    public AvroSchemaException(string path, string reason)
        : base(string.IsNullOrEmpty(path) ? reason : path + ": " + reason)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>Where in the schema JSON the problem is; empty for the root.</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the path.</summary>
    public string Reason { get; }
}

/// <summary>Binary input that is not a valid Avro encoding: truncated, overlong, negative lengths, corrupt blocks.</summary>
public sealed class AvroFormatException : AvroException
{
    /// <summary>Creates the exception for input that went wrong at byte <paramref name="position"/>.</summary>
    public AvroFormatException(string reason, long position)
        : base(reason + " (at byte " + position.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")")
    {
        Reason = reason;
        Position = position;
    }

    /// <summary>What is wrong, without the position.</summary>
    public string Reason { get; }

    /// <summary>The byte offset, from the start of the input being read, where the problem was found.</summary>
    public long Position { get; }
}

/// <summary>A datum that does not match its schema (a JSON value of the wrong type, a missing field, an unknown symbol).</summary>
public sealed class AvroTypeException : AvroException
{
    /// <summary>Creates the exception for the datum element at <paramref name="path"/>.</summary>
    public AvroTypeException(string path, string reason)
        : base(string.IsNullOrEmpty(path) ? reason : path + ": " + reason)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>Where in the datum the problem is (<c>$.lines[3].price</c>); empty for the root.</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the path.</summary>
    public string Reason { get; }
}

/// <summary>A writer schema whose data cannot be read with a reader schema, per the specification's resolution rules.</summary>
public sealed class AvroResolutionException : AvroException
{
    /// <summary>Creates the exception for the schema element at <paramref name="path"/>.</summary>
    public AvroResolutionException(string path, string reason)
        : base(string.IsNullOrEmpty(path) ? reason : path + ": " + reason)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>Where in the reader schema the two schemas disagree.</summary>
    public string Path { get; }

    /// <summary>Why the data cannot be read, without the path.</summary>
    public string Reason { get; }
}
