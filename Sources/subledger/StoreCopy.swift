import Foundation
import SubledgerLedger
import SubledgerStore

/// The work of `subledger copy --from A --to B` (issue 15 item 4): the store A carried whole
/// into a new store B, on the same engine or the other, all or nothing, and proved.
///
/// A is only read. The log is carried event by event through B's own append (each event
/// with its id, times, data, metadata and every assigned field, position to hash, which B
/// must assign alike or refuse), so that B builds its own indexes, Merkle tree and stored
/// projection, and each hash is computed again by B; the rest of the store is carried as it
/// is: its id, the sealed subject keys and disclosures of personal data (RET-1; an erased
/// subject has none, and stays erased), and the signed checkpoints. The copy is made in a
/// staging area (``CopyStaging``), verified whole and compared with A, then moved into place.
struct StoreCopy {
    let source: CopyEndpoint
    let target: CopyEndpoint
    let sourceKeyFilePath: String
    let targetKeyFilePath: String
    /// Tests only: runs once the copy is made in staging, right before A's state is read
    /// again (a test writes to A there, from another process, to see the copy refused).
    var beforeRecheckingSource: (() throws -> Void)? = nil

    /// The events read from A, and appended to B, per transaction; the entries of a table per
    /// transaction. Memory holds one chunk, whatever the store's size.
    static let eventsPerChunk = 1024
    static let entriesPerChunk = 4096

    /// What a copy did.
    struct Report {
        var events: UInt64
        var headHash: ChainHash
        var merkleRoot: ChainHash
        var storeID: String
        var subjectKeys = 0
        var disclosures = 0
        var checkpoints = 0
        var keyFileCreated = false
        /// A staging area left by a copy that did not finish, removed first.
        var removedStale: String?
    }

    /// A's state when the copy began; the copy is of A as it was then.
    struct SourceState: Equatable {
        var head: UInt64
        var headHash: ChainHash
        var storeID: String
        var generation: [UInt8]?
    }

    func run() throws -> Report {
        let a = try source.openReadOnly()
        let start = try state(of: a)
        let keyFile = try sourceKeyFile(of: a, state: start)
        let staging = try CopyStaging(target: target, source: source)
        var createdKeyFile = false
        do {
            var report = try carry(from: a, start: start, into: staging.staging)
            report.merkleRoot = try prove(staging.staging, like: a, start: start)
            report.headHash = start.headHash
            let copied = try copyKeyFile(keyFile)
            createdKeyFile = copied
            try staging.moveIntoPlace()
            report.keyFileCreated = copied
            report.removedStale = staging.removedStale
            return report
        } catch {
            staging.discard()
            if createdKeyFile { try? FileManager.default.removeItem(atPath: targetKeyFilePath) }
            throw error
        }
    }

    /// A's head, id and master key generation, read once; refuses an import in progress in A.
    private func state(of a: EventStore) throws -> SourceState {
        try storeCall {
            guard try a.storedEntry(of: .meta, key: EventStore.pendingImportMetaKey) == nil else {
                throw CommandFailure(
                    "--from \(source.name): an import into it is in progress (or was interrupted): its events are not the store's yet; copy it once the import ended (or was rolled back by opening the store for writing); nothing was written",
                    field: "from")
            }
            let head = try a.head()
            return SourceState(
                head: head.position, headHash: head.hash, storeID: try a.storeID(),
                generation: try a.storedEntry(of: .meta, key: EventStore.copiedMetaKeys[1]))
        }
    }

    /// A's key file, which must be A's and of the generation A's personal data is sealed under.
    private func sourceKeyFile(of a: EventStore, state: SourceState) throws -> StoreKeyFile {
        let file: StoreKeyFile
        do throws(StoreKeyFileError) {
            file = try StoreKeyFile.open(at: sourceKeyFilePath, storeID: state.storeID)
        } catch {
            throw CommandFailure("--key-file: \(error.message); nothing was written", field: "key-file")
        }
        let generation = state.generation.map { $0.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        if let generation, generation != file.generation {
            throw CommandFailure(
                "--key-file: \(sourceKeyFilePath) holds master key generation \(file.generation), but the personal data of \(source.name) is sealed under generation \(generation): name its current key file; nothing was written",
                field: "key-file")
        }
        return file
    }

    /// Makes the copy in the staging area: the log, then the rest; then checks that A did not
    /// move meanwhile. B is closed when this returns.
    private func carry(from a: EventStore, start: SourceState, into staging: CopyEndpoint) throws -> Report {
        var options = EventStore.Options(projection: LedgerProjection())
        if let folder = source.folder {
            let size = (try? FileManager.default.attributesOfItem(atPath: folder + "/data.mdb")[.size] as? Int) ?? 0
            options.initialMapSizeBytes = max(options.initialMapSizeBytes, min(size, 1 << 40) * 2)
        }
        let b = try staging.open(options)
        var report = Report(events: 0, headHash: .zero, merkleRoot: .zero, storeID: start.storeID)
        report.events = try carryEvents(from: a, through: start.head, into: b)
        try storeCall {
            var meta = [StoredEntry(key: EventStore.copiedMetaKeys[0], value: try metaEntry(0, of: a))]
            if let generation = start.generation {
                meta.append(StoredEntry(key: EventStore.copiedMetaKeys[1], value: generation))
            }
            try b.putStoredEntries(meta, into: .meta)
            report.subjectKeys = try carryEntries(of: .subjectKeys, from: a, into: b) { _ in true }
            report.disclosures = try carryEntries(of: .disclosures, from: a, into: b) {
                Self.position(endingKey: $0) <= start.head
            }
            report.checkpoints = try carryEntries(of: .checkpoints, from: a, into: b) {
                Self.position(endingKey: $0) <= start.head
            }
        }
        try beforeRecheckingSource?()
        let end = try state(of: a)
        guard end == start else {
            throw CommandFailure(
                "--from \(source.name) changed during the copy (its head went from \(start.head) to \(end.head)\(end.generation == start.generation ? "" : ", its master key was replaced")): the copy would not be of one state of it; run copy again when nothing writes to it; nothing was made at \(target.name)"
            )
        }
        return report
    }

    private func metaEntry(_ index: Int, of a: EventStore) throws -> [UInt8] {
        guard let value = try a.storedEntry(of: .meta, key: EventStore.copiedMetaKeys[index]) else {
            throw CommandFailure("--from \(source.name) has no store id: open it once for writing first")
        }
        return value
    }

    /// The log of A up to `head`, a chunk at a time: each chunk read in a short read
    /// transaction (every hash recomputed) and appended to B in one write transaction.
    private func carryEvents(from a: EventStore, through head: UInt64, into b: EventStore) throws -> UInt64 {
        var next: UInt64 = 1
        while next <= head {
            let count = Int(min(UInt64(Self.eventsPerChunk), head - next + 1))
            let chunk = try storeCall { try a.events(from: next, limit: count, verifyingHashes: true) }
            guard chunk.count == count, chunk.first?.position == next else {
                throw CommandFailure(
                    "--from \(source.name): \(chunk.count) events were read from position \(next) where \(count) were due (its head was \(head)); nothing was made at \(target.name)"
                )
            }
            do {
                try b.append(chunk.map(Self.proposedEvent(carrying:)))
            } catch let error as EventStoreError {
                throw CommandFailure(
                    "the events at positions \(next)..\(next + UInt64(count) - 1) of \(source.name) were refused by the copy: \(error.message); nothing was made at \(target.name)",
                    field: error.field)
            }
            next += UInt64(count)
        }
        return head
    }

    /// The event to append for a record of A: the same fact, the same `recordedAt`, and every
    /// field the store assigns, which B must assign alike (or refuse the chunk).
    static func proposedEvent(carrying recorded: RecordedEvent) -> ProposedEvent {
        ProposedEvent(
            eventID: recorded.eventID, type: recorded.type, stream: recorded.stream, occurredAt: recorded.occurredAt,
            data: recorded.data, metadata: recorded.metadata, recordedAt: recorded.recordedAt,
            assigned: AssignedFields(
                position: recorded.position, streamVersion: recorded.streamVersion,
                previousHash: recorded.previousHash, streamPreviousHash: recorded.streamPreviousHash,
                hash: recorded.hash))
    }

    /// Every entry of `table` in A that `keeping` keeps, written to B as it is, a chunk at a time.
    private func carryEntries(
        of table: Table, from a: EventStore, into b: EventStore, keeping: ([UInt8]) -> Bool
    ) throws -> Int {
        var after: [UInt8]?
        var carried = 0
        while true {
            let chunk = try a.storedEntries(of: table, after: after, limit: Self.entriesPerChunk)
            let kept = chunk.filter { keeping($0.key) }
            if !kept.isEmpty { try b.putStoredEntries(kept, into: table) }
            carried += kept.count
            guard chunk.count == Self.entriesPerChunk, let last = chunk.last else { return carried }
            after = last.key
        }
    }

    /// The big-endian position (or tree size) that ends a key of `disclosures` or `checkpoints`.
    static func position(endingKey key: [UInt8]) -> UInt64 {
        guard key.count >= 8 else { return .max }
        return key.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// B, still in its staging area, verified whole (every hash, each stream's chain, the
    /// Merkle tree's nodes, every checkpoint's signature) and compared with A as it was.
    /// - Returns: The Merkle root both share.
    private func prove(_ staging: CopyEndpoint, like a: EventStore, start: SourceState) throws -> ChainHash {
        let b = try staging.openReadOnly()
        return try storeCall {
            let verification = try b.verify()
            guard verification.isValid, verification.verifiedCount == start.head,
                verification.headHash == start.headHash
            else {
                throw CommandFailure(
                    "the copy does not verify: \(verification.problem ?? "\(verification.verifiedCount) events up to \(verification.headHash), where \(start.head) up to \(start.headHash) were copied"); nothing was made at \(target.name)"
                )
            }
            let rootA = try a.merkleRoot(size: start.head)
            let rootB = try b.merkleRoot(size: start.head)
            let idB = try b.storeID()
            guard rootA == rootB, idB == start.storeID else {
                throw CommandFailure(
                    "the copy is not the same ledger (Merkle root \(rootB) where \(rootA), store id \(idB) where \(start.storeID)); nothing was made at \(target.name)"
                )
            }
            return rootA
        }
    }

    /// B's key file with A's keys: written (mode 0600) or, when there, the same keys.
    /// - Returns: Whether it was created now.
    private func copyKeyFile(_ keyFile: StoreKeyFile) throws -> Bool {
        do throws(StoreKeyFileError) {
            return try keyFile.copied(to: targetKeyFilePath, besideStoreAt: target.folder).created
        } catch {
            throw CommandFailure(
                "--to-key-file: \(error.message); nothing was made at \(target.name)", field: "to-key-file")
        }
    }

    /// A store call whose refusal is reported with the store's message.
    private func storeCall<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as EventStoreError { throw CommandFailure(error.message) }
    }
}
