extension EventLog {
    /// See ``EventStore/verify()``.
    func verify() throws -> VerificationReport {
        var report = VerificationReport(verifiedCount: 0, headPosition: 0, headHash: .zero)
        // The head (version and hash) of every stream seen, kept in memory: one entry per
        // stream of the log (its id, version and hash, about 100 bytes; a million lines
        // take about 100 MB), bounded by the number of streams, not of events.
        var streamHeads: [StreamID: StreamHeads.Head] = [:]
        var lastRecordedAt = Timestamp.minimum
        func check(_ event: RecordedEvent) throws {
            let streamHead = streamHeads[event.stream] ?? StreamHeads.Head(version: 0, hash: .zero)
            let expectedVersion = streamHead.version + 1
            guard event.streamVersion == expectedVersion else {
                throw EventStoreError(
                    .corrupted,
                    "position \(event.position): \(event.stream) version \(event.streamVersion) where \(expectedVersion) was due",
                    position: event.position)
            }
            // A record of format 1 (read by migrate) has no stream chain to check.
            if let streamPreviousHash = event.streamPreviousHash, streamPreviousHash != streamHead.hash {
                throw EventStoreError(
                    .chainBroken,
                    "the chain of \(event.stream) is broken at position \(event.position) (version \(event.streamVersion)): its streamPrevHash is not the hash of version \(streamHead.version)",
                    stream: event.stream, position: event.position)
            }
            guard event.recordedAt >= lastRecordedAt else {
                throw EventStoreError(
                    .corrupted,
                    "position \(event.position): recordedAt \(event.recordedAt) is before the one before it (\(lastRecordedAt))",
                    position: event.position)
            }
            streamHeads[event.stream] = StreamHeads.Head(version: expectedVersion, hash: event.hash)
            lastRecordedAt = event.recordedAt
            report.verifiedCount += 1
            report.headPosition = event.position
            report.headHash = event.hash
        }
        let chunkSize = 8192
        do {
            while true {
                let next = report.headPosition + 1
                let chunk: [RecordedEvent]
                do {
                    chunk = try read(from: next, limit: chunkSize, previousHash: report.headHash)
                } catch let error as EventStoreError where (error.position ?? 0) > next {
                    // Take the good events before the bad one, then report it.
                    for event in try read(from: next, limit: Int(error.position! - next), previousHash: report.headHash)
                    {
                        try check(event)
                    }
                    throw error
                }
                for event in chunk { try check(event) }
                if chunk.count < chunkSize { break }
            }
        } catch let error as EventStoreError where error.code == .corrupted || error.code == .chainBroken {
            report.firstBadPosition = error.position ?? report.headPosition + 1
            report.problem = error.message
        }
        return report
    }

    /// See ``EventStore/corruptStoredEvent(at:byteOffset:mask:)``.
    func corrupt(position: UInt64, byteOffset: Int, mask: UInt8) throws {
        try backend.write { transaction in
            let key = StoreKeys.position(position)
            guard let stored = try transaction.get(.events, key: key), byteOffset < stored.count else {
                throw EventStoreError(.invalidEvent, "no stored byte \(byteOffset) at position \(position)")
            }
            var bytes = Array(stored)
            bytes[byteOffset] ^= mask
            try transaction.put(.events, key: key, value: bytes, mode: .upsert)
        }
    }
}

extension EventLog {
    /// Writes a format stamp (tests of the refusal of newer stores).
    func stampFormat(_ version: UInt64) throws {
        try backend.write { transaction in
            _ = try transaction.put(.meta, key: StoreKeys.formatKey, value: StoreKeys.position(version), mode: .upsert)
        }
    }
}
