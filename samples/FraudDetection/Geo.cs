namespace FraudDetection;

/// <summary>A city a card can be used in.</summary>
public sealed record City(string Name, double Latitude, double Longitude);

/// <summary>Distances on the earth's surface.</summary>
public static class Geo
{
    /// <summary>The mean earth radius (IUGG), in km.</summary>
    public const double EarthRadiusKm = 6371.0088;

    /// <summary>The great-circle distance in km between two points given in degrees (haversine formula).</summary>
    public static double DistanceKm(double latitude1, double longitude1, double latitude2, double longitude2)
    {
        var phi1 = Radians(latitude1);
        var phi2 = Radians(latitude2);
        var dPhi = Radians(latitude2 - latitude1);
        var dLambda = Radians(longitude2 - longitude1);
        var h = Math.Sin(dPhi / 2) * Math.Sin(dPhi / 2) + Math.Cos(phi1) * Math.Cos(phi2) * Math.Sin(dLambda / 2) * Math.Sin(dLambda / 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    private static double Radians(double degrees) => degrees * Math.PI / 180;
}

/// <summary>The cities the simulated stream uses.</summary>
public static class Cities
{
    public static readonly City NewYork = new("New York", 40.7128, -74.0060);
    public static readonly City Tokyo = new("Tokyo", 35.6762, 139.6503);
    public static readonly City London = new("London", 51.5074, -0.1278);
    public static readonly City Sydney = new("Sydney", -33.8688, 151.2093);
    public static readonly City Miami = new("Miami", 25.7617, -80.1918);
    public static readonly City Dubai = new("Dubai", 25.2048, 55.2708);
    public static readonly City Paris = new("Paris", 48.8566, 2.3522);
    public static readonly City Berlin = new("Berlin", 52.5200, 13.4050);
    public static readonly City Chicago = new("Chicago", 41.8781, -87.6298);
    public static readonly City Toronto = new("Toronto", 43.6532, -79.3832);
    public static readonly City Singapore = new("Singapore", 1.3521, 103.8198);
    public static readonly City SaoPaulo = new("São Paulo", -23.5505, -46.6333);

    public static readonly IReadOnlyList<City> All = [NewYork, Tokyo, London, Sydney, Miami, Dubai, Paris, Berlin, Chicago, Toronto, Singapore, SaoPaulo];
}
