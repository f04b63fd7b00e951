namespace OutboxSdk.Evolution.Tests;

/// <summary>Message declarations and committed history files the generator tests combine.</summary>
internal static class Sources
{
    public const string Subject = "orders.order-placed";

    /// <summary>An [OutboxMessage] record Shop.Orders.OrderPlaced whose body is <paramref name="members"/>.</summary>
    public static string Message(string members, string extra = "") => $$"""
        using OutboxSdk;

        namespace Shop.Orders;

        [OutboxMessage("{{Subject}}")]
        public partial record OrderPlaced
        {
        {{members}}
        }

        {{extra}}
        """;

    /// <summary>A history record Shop.Orders.OrderPlaced with the given field JSON objects.</summary>
    public static string Record(params string[] fields) =>
        "{\"type\":\"record\",\"name\":\"OrderPlaced\",\"namespace\":\"Shop.Orders\",\"fields\":[" + string.Join(",", fields) + "]}";

    public const string OrderIdField = """{"name":"OrderId","type":"string"}""";

    public const string OrderIdMember = "    public required string OrderId { get; init; }";

    /// <summary>History files for <see cref="Subject"/>: v1, v2, … in order.</summary>
    public static Dictionary<string, string> History(params string[] versions) =>
        versions.Select((json, i) => ($"schemas/{Subject}.v{i + 1}.avsc", json)).ToDictionary(p => p.Item1, p => p.json);
}
