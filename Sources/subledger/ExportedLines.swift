import SubledgerStore

/// The lines of a whole-log JSON Lines export, read on a second thread (``OrderedPipeline``)
/// while the caller's thread checks and writes them. Every other chunk is encoded by the
/// reading thread, the others by the caller's, so that the two share the work about evenly.
///
/// Each event is checked exactly as ``EventStore/forEachEvent(from:chunkSize:verifyingHashes:_:)``
/// checks it with `verifyingHashes`: its hash recomputed from its content, its link to the
/// one before, positions without a gap. The store reads without recomputing hashes (it still
/// checks the links and the positions), and the hash is recomputed here over the bytes of
/// the line as it is encoded for export (``EventJSON/hashMatches(line:in:previousHash:hash:)``):
/// one encoding instead of two. The lines of a chunk are written only once every event of
/// the chunk passed; when one did not (or the store refused the chunk), the chunk is read
/// again the store's own checking way, so that the error is exactly the one a checking read
/// gives, after exactly the same lines.
enum ExportedLines {
    /// One chunk of lines as the store reads it: the bytes of the lines (each ending with
    /// `\n`), and for each line what checking and filtering it needs.
    struct Chunk: Sendable {
        /// The position of the chunk's first event.
        var start: UInt64 = 1
        var bytes: [UInt8] = []
        var lines: [Line] = []
        /// Events read but not encoded yet (the consumer encodes them into `bytes` and `lines`).
        var events: [RecordedEvent] = []

        /// Appends the export line of `event` and what checking and filtering it needs.
        mutating func encode(_ event: RecordedEvent) {
            let layout = EventJSON.writeExportLine(event, into: &bytes)
            bytes.append(UInt8(ascii: "\n"))
            lines.append(
                Line(
                    occurredAt: event.occurredAt, layout: layout, previousHash: event.previousHash,
                    hash: event.hash, end: bytes.count))
        }
    }

    struct Line: Sendable {
        var occurredAt: Timestamp
        var layout: EventJSON.LineLayout
        var previousHash: ChainHash
        var hash: ChainHash
        /// The end of the line's `\n`.
        var end: Int
    }

    /// Calls `body` with each event's `occurredAt` and export line (with its `\n`), in
    /// position order. Throws the store's ``EventStoreError`` (after the lines of the chunks
    /// before the one it is in) or what `body` throws.
    static func forEachLine(
        of eventStore: EventStore, chunkSize: Int,
        _ body: (Timestamp, ArraySlice<UInt8>) throws -> Void
    ) throws {
        let recycled = RecycledStorage<UInt8>(limit: 6)
        try OrderedPipeline<Chunk>.run(
            queueLimit: 4,
            produce: { emit in
                try produce(eventStore, chunkSize: chunkSize, recycled: recycled, emit)
            },
            consume: { handedOver in
                var chunk = handedOver
                if !chunk.events.isEmpty {
                    chunk.bytes = recycled.take(minimumCapacity: 1 << 20)
                    chunk.lines.reserveCapacity(chunk.events.count)
                    for event in chunk.events { chunk.encode(event) }
                    chunk.events = []
                }
                defer { recycled.give(chunk.bytes) }
                let allMatch = chunk.bytes.withUnsafeBytes { bytes in
                    chunk.lines.allSatisfy { line in
                        EventJSON.hashMatches(
                            line: line.layout, in: bytes, previousHash: line.previousHash, hash: line.hash)
                    }
                }
                if !allMatch { try readCheckingHashes(eventStore, from: chunk.start, chunkSize: chunkSize) }
                var start = 0
                for line in chunk.lines {
                    try body(line.occurredAt, chunk.bytes[start..<line.end])
                    start = line.end
                }
            })
    }

    /// The reading thread: reads the log in chunks without recomputing hashes, encodes each
    /// event's line, hands each chunk over whole.
    private static func produce(
        _ eventStore: EventStore, chunkSize: Int, recycled: RecycledStorage<UInt8>,
        _ emit: (Chunk) -> Bool
    ) throws {
        var chunk = Chunk()
        var lastPosition: UInt64 = 0
        do {
            try eventStore.forEachEvent(from: 1, chunkSize: chunkSize, verifyingHashes: false) { event in
                // forEachEvent reads chunks of chunkSize events from position 1: the first,
                // third, ... are encoded here, the others by the consumer.
                if chunk.lines.isEmpty, chunk.events.isEmpty {
                    chunk.start = event.position
                    if (event.position - 1) / UInt64(chunkSize) % 2 == 0 {
                        chunk.bytes = recycled.take(minimumCapacity: 1 << 20)
                        chunk.lines.reserveCapacity(chunkSize)
                    } else {
                        chunk.events.reserveCapacity(chunkSize)
                    }
                }
                if chunk.bytes.capacity > 0 {
                    chunk.encode(event)
                } else {
                    chunk.events.append(event)
                }
                lastPosition = event.position
                if event.position % UInt64(chunkSize) == 0 {
                    guard emit(chunk) else { throw StopReading() }
                    // The next chunk in other storage: the one handed over is the consumer's.
                    chunk = Chunk()
                }
            }
        } catch is StopReading {
            return
        } catch let error as EventStoreError {
            // The store refused the chunk after the last one read (it refuses a chunk before
            // handing any of it over): read it the checking way, which finds the same fault
            // or one before it in the chunk.
            try readCheckingHashes(eventStore, from: lastPosition + 1, chunkSize: chunkSize)
            throw error
        }
        if !chunk.lines.isEmpty || !chunk.events.isEmpty { _ = emit(chunk) }
    }

    /// Reads the chunk from `start` the checking way, throwing what that read throws.
    private static func readCheckingHashes(_ eventStore: EventStore, from start: UInt64, chunkSize: Int) throws {
        _ = try eventStore.events(from: start, limit: chunkSize, verifyingHashes: true)
    }

    private struct StopReading: Error {}
}
