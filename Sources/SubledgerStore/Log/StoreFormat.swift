/// The formats of a store (its `meta` stamp) and of the records it holds.
///
/// Format 2 (issue 10) hashes each event's `streamPrevHash`, so every stream is a chain of
/// its own; format 1 did not, and kept personal data in clear. A store holds the records
/// of its own format only: a record of another format in it is corruption (a forger
/// rewriting an event as format 1 would otherwise step out of its stream's chain).
enum StoreFormat: UInt64, Sendable {
    /// Records of tags 1 and 2: hashes without `streamPrevHash`. Opened only read-only, by
    /// `migrate` (``EventStore/Options/openingFormat1ForMigration``), and written only by
    /// tests that make such a store.
    case one = 1
    /// Records of tag 3.
    case two = 2

    /// The format this subledger writes.
    static let current = StoreFormat.two

    /// The format of a record with `streamPreviousHash` (`nil`: a record of format 1).
    static func of(_ event: RecordedEvent) -> StoreFormat {
        event.streamPreviousHash == nil ? .one : .two
    }
}
