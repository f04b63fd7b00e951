using System.Text;

namespace OutboxSdk.Avro.Compatibility;

/// <summary>Why a reader schema cannot read some data a writer schema can write.</summary>
public enum IncompatibilityKind
{
    /// <summary>The types differ and the writer's type does not promote to the reader's (for example string to int).</summary>
    TypeMismatch,
    /// <summary>Two records, enums or fixed types have different names and no reader alias names the writer's type.</summary>
    NameMismatch,
    /// <summary>Two fixed types have different sizes.</summary>
    FixedSizeMismatch,
    /// <summary>The writer's enum has symbols the reader's lacks, and the reader's enum has no default symbol.</summary>
    MissingEnumSymbols,
    /// <summary>A reader field has no writer field (by name or alias) and no default.</summary>
    ReaderFieldMissingDefault,
    /// <summary>No branch of the reader's union can read a type the writer can write.</summary>
    MissingUnionBranch,
    /// <summary>Two decimal logical types have different precision or scale.</summary>
    DecimalMismatch,
}

/// <summary>One reason a reader schema cannot read data written with a writer schema.</summary>
public sealed class Incompatibility
{
    internal Incompatibility(IncompatibilityKind kind, string readerPath, string message)
    {
        Kind = kind;
        ReaderPath = readerPath;
        Message = message;
    }

    /// <summary>What kind of incompatibility this is.</summary>
    public IncompatibilityKind Kind { get; }

    /// <summary>
    /// Where in the reader schema the problem is, written as a path through the data the schema describes:
    /// <c>$</c> is the root, <c>.name</c> a record field (by the reader's field name), <c>[]</c> the items of an
    /// array and <c>{}</c> the values of a map. A union adds no step: the message names the branch's type.
    /// For example <c>$.lines[].price</c> is the <c>price</c> field of the records in the <c>lines</c> array.
    /// </summary>
    public string ReaderPath { get; }

    /// <summary>A sentence that names the field or type and says why the data cannot be read.</summary>
    public string Message { get; }

    /// <summary>The path and the message.</summary>
    public override string ToString() => ReaderPath + ": " + Message;
}

/// <summary>The outcome of a compatibility check: compatible, or every incompatibility found.</summary>
public sealed class CompatibilityResult
{
    internal static CompatibilityResult Compatible { get; } = new([]);

    internal CompatibilityResult(IReadOnlyList<Incompatibility> incompatibilities)
    {
        Incompatibilities = incompatibilities;
    }

    /// <summary>True when no incompatibility was found.</summary>
    public bool IsCompatible => Incompatibilities.Count == 0;

    /// <summary>
    /// Every incompatibility found, in schema order; empty when compatible. A type that several paths reach
    /// (a named type used twice, or a recursive one) is reported at the first path only.
    /// </summary>
    public IReadOnlyList<Incompatibility> Incompatibilities { get; }

    /// <summary>"compatible", or one incompatibility per line.</summary>
    public override string ToString()
    {
        if (IsCompatible)
        {
            return "compatible";
        }

        var text = new StringBuilder();
        foreach (var incompatibility in Incompatibilities)
        {
            text.Append(incompatibility).Append('\n');
        }

        return text.ToString(0, text.Length - 1);
    }
}
