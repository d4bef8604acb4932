@_spi(Testing) import SubledgerStore

/// Everything a reader can see of a store: its head, the versions of some streams, every
/// event and the verdict of `verify`. Two equal snapshots are the same store to a reader.
struct StoreSnapshot: Equatable {
    var headPosition: UInt64
    var headHash: ChainHash
    var versions: [StreamID: UInt64]
    var events: [RecordedEvent]
    var verification: VerificationReport

    init(_ store: EventStore, streams: [StreamID]) throws {
        (headPosition, headHash) = try store.head()
        versions = Dictionary(uniqueKeysWithValues: try streams.map { ($0, try store.version(of: $0)) })
        events = try store.events(from: 1, limit: 1_000_000)
        verification = try store.verify()
    }
}
