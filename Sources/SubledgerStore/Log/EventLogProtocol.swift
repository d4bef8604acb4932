/// The log's operations, whatever its backend: the public seam (``EventLogStorage``: append,
/// ranges, versions, head) and what the store does beside it.
protocol EventLogProtocol: EventLogStorage, EventLogProofs, PersonalDataLog, StreamListing, ImportLog, TableEntriesLog,
    HeadWaiting {
    func withAppendSession<R>(_ body: (AppendSession) throws -> R) throws -> R
    func read(from position: UInt64, limit: Int, previousHash: ChainHash?, verifyingHashes: Bool) throws
        -> [RecordedEvent]
    func forEachEvent(
        from position: UInt64, chunkSize: Int, verifyingHashes: Bool, _ body: (RecordedEvent) throws -> Void) throws
    func readStream(_ stream: StreamID, from version: UInt64, limit: Int) throws -> [RecordedEvent]
    func readStream(_ stream: StreamID, occurredFrom from: Timestamp, to: Timestamp, limit: Int) throws
        -> [RecordedEvent]
    func verify() throws -> VerificationReport
    func corrupt(position: UInt64, byteOffset: Int, mask: UInt8) throws
    func stampFormat(_ version: UInt64) throws
    func storeID() throws -> String
    func projectionValue(for key: [UInt8]) throws -> ProjectionValue
    func rebuildProjection() throws -> ProjectionRebuildReport
    func forEachChunk<Prepared: Sendable>(
        through head: UInt64, chunkSize: UInt64, verifyingHashes: Bool,
        prepare: @escaping @Sendable ([RecordedEvent]) throws -> Prepared, _ body: (Prepared) throws -> Void
    ) throws
}

extension EventLog: EventLogProtocol {}
