using Microsoft.Extensions.DependencyInjection;
using OutboxSdk.Generated;
using OutboxSdk.Registration;
using OutboxSdk.TestSupport;

namespace OutboxSdk.Registration.Tests;

/// <summary>
/// The registration tests' share of this assembly's generated registration (<see cref="AreaRegistration"/>): the
/// types of Shop.Registration, not the serialization tests' messages. The extension keeps the name the tests' own
/// assembly generated.
/// </summary>
public static class RegistrationArea
{
    public static AreaRegistration Registration { get; } =
        AreaRegistration.Of(OutboxSdkGeneratorsTestsOutboxRegistration.Instance, "Shop.Registration", "OutboxSdk.Registration.Tests");

    public static IServiceCollection AddOutboxSdkRegistrationTestsOutboxTypes(this IServiceCollection services) => services.AddOutboxTypes(Registration);
}
