using OutboxSdk;

namespace TopologyEntities.Tests;

/// <summary>
/// A [ChangeFeed] entity whose schema no test creates: what a relay meets when an assembly maps a table its database
/// lacks, and what a publisher-only process must not need.
/// </summary>
[ChangeFeed("topo_shop.orders", ReplicaIdentity = ReplicaIdentity.Full)]
public partial record ShopOrder([property: Key] int Id, string Item);
