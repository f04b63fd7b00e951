using Hardening.Tests.Infrastructure;
using MediatR;
using OutboxSdk;
using OutboxSdk.ChangeFeed;

namespace Hardening.Tests.Security;

/// <summary>
/// The assembly's [ChangeFeed] entity, for the Replication-mode tests. Unqualified: its table lives in each test's
/// own schema (the data source's search path), created by <see cref="ReplicationScenario.CreateAccountsAsync"/>.
/// </summary>
[ChangeFeed("accounts")]
public partial record Account([property: Key] int Id, string Holder);

public sealed class AccountHandler(Recorder recorder) : INotificationHandler<Change<Account>>
{
    public Task Handle(Change<Account> notification, CancellationToken cancellationToken)
    {
        recorder.Record(notification);
        return Task.CompletedTask;
    }
}
